// Package notifytest is a fake SMTP server for tests: it speaks just enough
// SMTP for net/smtp (no STARTTLS, no AUTH) and captures each message.
package notifytest

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data string // headers and body as sent, CRLF line ends, dot-unstuffed
}

// Server is a fake SMTP server on 127.0.0.1.
type Server struct {
	Addr     string
	Messages chan Message // every accepted message
	ln       net.Listener
	mu       sync.Mutex
	conns    int
	reject   map[string]bool
	wg       sync.WaitGroup
}

// Reject makes the server refuse RCPT TO addr with a permanent error
// (550 user unknown), as a real server does for a mistyped address.
func (s *Server) Reject(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reject == nil {
		s.reject = map[string]bool{}
	}
	s.reject[addr] = true
}

func (s *Server) rejects(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reject[addr]
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), Messages: make(chan Message, 100), ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// Connections is the number of connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Next waits (generously) for the next message; the test fails without one.
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.Messages:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message reached the SMTP server")
		return Message{}
	}
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns++
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			s.session(textproto.NewConn(c))
		}()
	}
}

func (s *Server) session(c *textproto.Conn) {
	_ = c.PrintfLine("220 fake.smtp.test ESMTP")
	var m Message
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"), strings.HasPrefix(verb, "HELO"):
			_ = c.PrintfLine("250-fake.smtp.test")
			_ = c.PrintfLine("250 8BITMIME")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			m = Message{From: addr(line[len("MAIL FROM:"):])}
			_ = c.PrintfLine("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			to := addr(line[len("RCPT TO:"):])
			if s.rejects(to) {
				_ = c.PrintfLine("550 5.1.1 <%s>: Recipient address rejected: User unknown", to)
				continue
			}
			m.To = append(m.To, to)
			_ = c.PrintfLine("250 OK")
		case verb == "DATA":
			if len(m.To) == 0 {
				_ = c.PrintfLine("554 5.5.1 no valid recipients")
				continue
			}
			_ = c.PrintfLine("354 end with <CRLF>.<CRLF>")
			b, err := c.ReadDotBytes()
			if err != nil {
				return
			}
			m.Data = strings.ReplaceAll(string(b), "\n", "\r\n")
			s.Messages <- m
			_ = c.PrintfLine("250 OK queued")
		case verb == "RSET":
			m = Message{}
			_ = c.PrintfLine("250 OK")
		case verb == "NOOP":
			_ = c.PrintfLine("250 OK")
		case verb == "QUIT":
			_ = c.PrintfLine("221 bye")
			return
		default:
			_ = c.PrintfLine("502 not implemented")
		}
	}
}

func addr(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '>'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "<")
}

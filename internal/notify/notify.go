// Package notify sends Baken's optional e-mail notices over SMTP. A notice
// holds a link and nothing else: never personal data, never a signal's id or
// reference. Baken sends it after the commit, in the background, so a slow
// or unreachable mail server never fails or delays a request.
package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds one send: connecting, talking and delivering.
const DefaultTimeout = 10 * time.Second

// Config is how to reach the mail server.
type Config struct {
	Addr     string // host:port of the SMTP server
	From     string // envelope and header sender
	User     string // optional: PLAIN auth, only over TLS or to localhost
	Password string
	BaseURL  string        // Baken's public URL, for the link
	Timeout  time.Duration // per send; DefaultTimeout when 0
}

// SMTP sends notices. Its methods are safe for concurrent use.
type SMTP struct {
	cfg Config
	log *slog.Logger
	wg  sync.WaitGroup
}

// New returns a notifier for cfg.
func New(cfg Config, log *slog.Logger) *SMTP {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &SMTP{cfg: cfg, log: log}
}

// NewSignal tells recipients that a new signal waits in their inbox. It
// returns at once: the message is sent in the background within the
// timeout, to each recipient on its own (one refused address does not stop
// the others), and the outcome is logged with the number of recipients and,
// for each that failed, its position and domain — never an address.
func (s *SMTP) NewSignal(ctx context.Context, recipients []string) {
	if len(recipients) == 0 {
		return
	}
	to := append([]string(nil), recipients...)
	ctx = context.WithoutCancel(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
		defer cancel()
		err := s.Send(ctx, to, NewSignalMessage(s.cfg.BaseURL))
		var pe *PartialError
		switch {
		case errors.As(err, &pe):
			for _, f := range pe.Failed {
				s.log.WarnContext(ctx, "e-mail notice not delivered to one recipient", slog.String("kind", "new_signal"),
					slog.Int("recipient", f.Index+1), slog.String("domain", f.Domain), slog.String("smtp", s.cfg.Addr),
					slog.String("err", Redact(f.Err.Error())))
			}
			if len(pe.Failed) == pe.Total {
				s.log.WarnContext(ctx, "e-mail notice not sent", slog.String("kind", "new_signal"), slog.Int("recipients", len(to)))
				return
			}
			s.log.InfoContext(ctx, "e-mail notice sent", slog.String("kind", "new_signal"), slog.Int("recipients", len(to)),
				slog.Int("delivered", pe.Total-len(pe.Failed)), slog.Int("failed", len(pe.Failed)))
		case err != nil:
			s.log.WarnContext(ctx, "e-mail notice not sent", slog.String("kind", "new_signal"),
				slog.Int("recipients", len(to)), slog.String("smtp", s.cfg.Addr), slog.String("err", Redact(err.Error())))
		default:
			s.log.InfoContext(ctx, "e-mail notice sent", slog.String("kind", "new_signal"), slog.Int("recipients", len(to)),
				slog.Int("delivered", len(to)), slog.Int("failed", 0))
		}
	}()
}

// Failure is one recipient a notice did not reach: its position in the
// list and the domain of its address (no local part), and why.
type Failure struct {
	Index  int
	Domain string
	Err    error
}

// PartialError is Send's answer when some recipients were not reached (the
// others were): which ones, by position.
type PartialError struct {
	Total  int
	Failed []Failure
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d of %d recipients not reached; first: %v", len(e.Failed), e.Total, e.Failed[0].Err)
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.Trim(addr[i+1:], "<> ")
	}
	return ""
}

// Wait blocks until every notice under way has been sent or has failed.
func (s *SMTP) Wait() { s.wg.Wait() }

// Content is a notice's subject and plain-text body.
type Content struct {
	Subject, Body string
}

// NewSignalMessage is the notice of a new signal: Dutch, English below, and
// the inbox link; nothing about the signal itself.
func NewSignalMessage(baseURL string) Content {
	link := strings.TrimRight(baseURL, "/") + "/signalen/inbox"
	return Content{
		Subject: "Nieuw signaal in Baken / New signal in Baken",
		Body: "Er wacht een nieuw signaal in uw inbox in Baken:\r\n" +
			link + "\r\n\r\n" +
			"Baken zet nooit persoonsgegevens in e-mail. Log in om het signaal te bekijken.\r\n" +
			"\r\n-- \r\n\r\n" +
			"A new signal is waiting in your inbox in Baken:\r\n" +
			link + "\r\n\r\n" +
			"Baken never puts personal data in e-mail. Sign in to see the signal.\r\n",
	}
}

// Send delivers c to each of recipients in its own SMTP transaction over
// one connection, with STARTTLS when the server offers it and PLAIN auth
// when a user is configured (net/smtp refuses PLAIN without TLS except to
// localhost). A recipient the server refuses (at RCPT TO or at DATA) does
// not stop the others: Send goes on with the next (after RSET) and answers
// a *PartialError naming the ones not reached. Any other error (connecting,
// greeting, TLS, auth, a connection that breaks) ends the send: the
// recipients not yet served are in the PartialError when some were
// reached, else it is returned as is. Each message is addressed to
// "undisclosed-recipients".
func (s *SMTP) Send(ctx context.Context, recipients []string, c Content) error {
	host, _, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("smtp address: %w", err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(s.cfg.Timeout)
	}
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	// Closing the connection ends a conversation whose context ends first.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer cl.Close()
	if err := cl.Hello(helloName(s.cfg.BaseURL)); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		if err := cl.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if s.cfg.User != "" {
		if err := cl.Auth(smtp.PlainAuth("", s.cfg.User, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	msg := compose(s.cfg.From, c, time.Now())
	pe := &PartialError{Total: len(recipients)}
	for i, r := range recipients {
		err := sendOne(cl, s.cfg.From, r, msg)
		if err == nil {
			continue
		}
		pe.Failed = append(pe.Failed, Failure{Index: i, Domain: domainOf(r), Err: err})
		var perr *textproto.Error
		if !errors.As(err, &perr) || cl.Reset() != nil {
			// Not the server's answer about this recipient: the
			// conversation is broken, the rest are not reached either.
			for j := i + 1; j < len(recipients); j++ {
				pe.Failed = append(pe.Failed, Failure{Index: j, Domain: domainOf(recipients[j]), Err: err})
			}
			if i == 0 {
				return err
			}
			return pe
		}
	}
	if err := cl.Quit(); err != nil && !errors.Is(err, net.ErrClosed) && len(pe.Failed) == 0 {
		return fmt.Errorf("quit: %w", err)
	}
	if len(pe.Failed) > 0 {
		return pe
	}
	return nil
}

// sendOne is one SMTP transaction: msg to recipient.
func sendOne(cl *smtp.Client, from, recipient string, msg []byte) error {
	if err := cl.Mail(from); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := cl.Rcpt(recipient); err != nil {
		return fmt.Errorf("rcpt to: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return nil
}

// compose writes the message: headers (the recipients undisclosed) and the
// body with CRLF line ends.
func compose(from string, c Content, now time.Time) []byte {
	var b strings.Builder
	domain := "baken.invalid"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = strings.Trim(from[i+1:], "<> ")
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	fmt.Fprintf(&b, "From: %s\r\n", from)
	b.WriteString("To: undisclosed-recipients:;\r\n")
	fmt.Fprintf(&b, "Subject: %s\r\n", c.Subject)
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("Auto-Submitted: auto-generated\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n")
	b.WriteString("Content-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(c.Body)
	return []byte(b.String())
}

// helloName is the name Baken greets the server with: its public host.
func helloName(baseURL string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(baseURL, "https://"), "http://")
	if i := strings.IndexAny(h, "/:"); i >= 0 {
		h = h[:i]
	}
	if h == "" || strings.ContainsAny(h, " \r\n") {
		return "localhost"
	}
	return h
}

var localPart = regexp.MustCompile(`[^\s<>"'(),;:\[\]]+@`)

// Redact removes the local parts of e-mail addresses from a message (a
// server's refusal often quotes the recipient): logs hold no addresses.
func Redact(s string) string { return localPart.ReplaceAllString(s, "…@") }

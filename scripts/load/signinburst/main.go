// Command signinburst sends N (32) parallel anonymous sign-ins, to unknown
// addresses, to a running baken (each with its own CSRF
// cookie and token) and prints the server's peak resident memory (VmHWM of
// -pid) before and after, and the statuses answered. Used by
// scripts/signin-burst.sh (security review F2).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
)

func hwm(pid string) {
	b, _ := os.ReadFile("/proc/" + pid + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "VmRSS") {
			fmt.Print(l, "  ")
		}
	}
	fmt.Println()
}

func main() {
	base := flag.String("url", "http://127.0.0.1:18081", "")
	pid := flag.String("pid", "", "")
	n := flag.Int("n", 32, "")
	flag.Parse()
	fmt.Print("before: ")
	hwm(*pid)
	statuses := make([]int, *n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range *n {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.Get(*base + "/inloggen")
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
		if m == nil {
			panic("no csrf")
		}
		tok := string(m[1])
		wg.Go(func() {
			<-start
			req, _ := http.NewRequest("POST", *base+"/inloggen", strings.NewReader(url.Values{"email": {fmt.Sprintf("niemand%d@example.nl", i)}, "password": {"wrong password"}, "csrf": {tok}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", *base)
			resp, err := c.Do(req)
			if err != nil {
				statuses[i] = -1
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	fmt.Println("statuses:", count)
	fmt.Print("after:  ")
	hwm(*pid)
}

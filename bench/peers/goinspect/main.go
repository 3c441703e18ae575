// Go peer of the robustness runs (docs/ROBUSTNESS.md): bench/differential.sh and bench/slow-attacks.sh.
//
//	goinspect serve PORT [HOST]
//	    Go's net/http with the timeouts a careful Go user sets (ReadHeaderTimeout 10s, ReadTimeout 60s,
//	    WriteTimeout 60s, IdleTimeout 120s, MaxHeaderBytes 16 KiB: Hourglass's defaults), answering
//	    /inspect with how it parsed the request (the same one-line report as `hourglass serve`'s /inspect),
//	    GET /hello with "hello\n" and GET /bytes?n=N with N bytes, like `hourglass serve`; other paths 404,
//	    other methods on /inspect 405, as Hourglass's router does, so that only parsing differences remain.
//	    Prints "listening on http://HOST:PORT".
//	goinspect probe URL RATE DURATION TIMEOUT
//	    A normal client during an attack: RATE GETs a second for DURATION, each on a new connection, each
//	    bounded by TIMEOUT; prints one JSON object: sent, ok (2xx), failed, latency percentiles of the ok ones.
//	goinspect send [-first DUR] [-quiet DUR] CORPUS NAME=HOST:PORT...
//	    Sends every case of CORPUS (one "name | request" a line, C escapes) to each server on a connection of
//	    its own and prints one tab-separated line per case and server: case, server, outcome. The outcome is
//	    the responses in order (status, and the report of a 200 from /inspect) and how the connection ended:
//	    "closed" (FIN), "reset", or "open" (still open after -quiet with nothing more, or after -first when
//	    nothing came at all: a server waiting for the rest of a request).
//
// Standard library only.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var allowed = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}

// report is the line both servers write for a request they accepted: what they made of each part of it.
// The body is its length and the start of its SHA-256, or "error" when reading it failed.
func report(method, target, proto, host string, probe []string, body []byte, bodyErr error, trailers []string) string {
	b := "body=" + strconv.Itoa(len(body)) + ":" + fmt.Sprintf("%x", sha256.Sum256(body))[:12]
	if bodyErr != nil {
		b = "body=error"
	}
	return fmt.Sprintf("%s %s %s host=%s probe=%s %s trailers=%s", quote(method), quote(target), quote(proto),
		quote(host), quote(strings.Join(probe, ",")), b, quote(strings.Join(trailers, ",")))
}

// quote writes s in double quotes, with '"', '\\' and every byte outside 0x20-0x7e as \xHH (Serve.java's
// /inspect quotes the same way).
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\x%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var hello = []byte("hello\n")

func inspect(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/hello" && r.Method == "GET" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
		return
	}
	if r.URL.Path == "/bytes" && r.Method == "GET" {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		block := bytes.Repeat([]byte("x"), 8192)
		for n > 0 {
			k := n
			if k > len(block) {
				k = len(block)
			}
			if _, err := w.Write(block[:k]); err != nil {
				return
			}
			n -= k
		}
		return
	}
	if r.URL.Path != "/inspect" {
		w.WriteHeader(404)
		io.WriteString(w, "not found\n")
		return
	}
	ok := false
	for _, m := range allowed {
		ok = ok || m == r.Method
	}
	if !ok {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		w.WriteHeader(405)
		io.WriteString(w, "method not allowed\n")
		return
	}
	body, err := io.ReadAll(r.Body)
	var trailers []string
	for k, vs := range r.Trailer {
		for _, v := range vs {
			trailers = append(trailers, strings.ToLower(k)+"="+v)
		}
	}
	sort.Strings(trailers)
	line := report(r.Method, r.RequestURI, r.Proto, r.Host, r.Header.Values("X-Probe"), body, err, trailers) + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(line)))
	io.WriteString(w, line)
}

func serve(args []string) {
	if len(args) < 1 || len(args) > 2 {
		usage()
	}
	host := "127.0.0.1"
	if len(args) == 2 {
		host = args[1]
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, args[0]))
	if err != nil {
		fmt.Fprintf(os.Stderr, "goinspect: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(inspect),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          nil,
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "goinspect: %v\n", err)
		os.Exit(1)
	}
}

type testCase struct {
	name string
	wire []byte
}

// unescape turns the corpus's C-style escapes (\r \n \t \0 \\ \xHH) into bytes.
func unescape(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(s) {
			return nil, errors.New("backslash at the end")
		}
		i++
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, errors.New("short \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, err
			}
			out = append(out, byte(v))
			i += 2
		default:
			return nil, fmt.Errorf("unknown escape \\%c", s[i])
		}
	}
	return out, nil
}

func readCorpus(path string) ([]testCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []testCase
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, wire, ok := strings.Cut(line, " | ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: not 'name | request'", path, n)
		}
		name = strings.TrimSpace(name)
		if seen[name] {
			return nil, fmt.Errorf("%s:%d: case %q twice", path, n, name)
		}
		seen[name] = true
		b, err := unescape(wire)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		cases = append(cases, testCase{name, b})
	}
	return cases, sc.Err()
}

// exchange sends wire on a new connection and reads until the server closes, resets, or is quiet for a while
// (a server waiting for more of a request it has started).
func exchange(addr string, wire []byte, first, quietAfter time.Duration) ([]byte, string) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, "dial-error"
	}
	defer c.Close()
	if _, err := c.Write(wire); err != nil {
		return nil, "write-error"
	}
	var got []byte
	buf := make([]byte, 64<<10)
	quiet := first // nothing at all yet: a server may still be deciding
	for {
		c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if n > 0 {
			quiet = quietAfter
		}
		if err == nil {
			continue
		}
		var ne net.Error
		switch {
		case errors.Is(err, io.EOF):
			return got, "closed"
		case errors.As(err, &ne) && ne.Timeout():
			return got, "open"
		default:
			return got, "reset"
		}
	}
}

// summarize turns the bytes a server sent into "STATUS[report] STATUS ... END".
func summarize(wire, got []byte, end string) string {
	method := "GET"
	if i := bytes.IndexAny(wire, " \r\n"); i > 0 {
		method = string(wire[:i])
	}
	br := bufio.NewReader(bytes.NewReader(got))
	var parts []string
	for {
		if _, err := br.Peek(1); err != nil {
			break
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			parts = append(parts, "unparsable-response")
			break
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		p := strconv.Itoa(resp.StatusCode)
		if err != nil {
			p += "[truncated]"
		} else if resp.StatusCode == 200 && method != "HEAD" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			p += "[" + strings.TrimSuffix(string(body), "\n") + "]"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		parts = append(parts, "none")
	}
	return strings.Join(parts, " ") + " " + end
}

func send(args []string) {
	fs := flag.NewFlagSet("send", flag.ExitOnError)
	first := fs.Duration("first", 1500*time.Millisecond, "wait this long for the first byte of an answer")
	quiet := fs.Duration("quiet", 300*time.Millisecond, "after some answer, this long without more ends the case")
	fs.Parse(args)
	args = fs.Args()
	if len(args) < 2 {
		usage()
	}
	cases, err := readCorpus(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "goinspect: %v\n", err)
		os.Exit(1)
	}
	type server struct{ name, addr string }
	var servers []server
	for _, a := range args[1:] {
		name, addr, ok := strings.Cut(a, "=")
		if !ok {
			usage()
		}
		servers = append(servers, server{name, addr})
	}
	out := make([][]string, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i, tc := range cases {
		out[i] = make([]string, len(servers))
		for j, s := range servers {
			wg.Add(1)
			go func(i, j int, tc testCase, addr string) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				got, end := exchange(addr, tc.wire, *first, *quiet)
				out[i][j] = summarize(tc.wire, got, end)
			}(i, j, tc, s.addr)
		}
	}
	wg.Wait()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i, tc := range cases {
		for j, s := range servers {
			fmt.Fprintf(w, "%s\t%s\t%s\n", tc.name, s.name, out[i][j])
		}
	}
}

func probe(args []string) {
	if len(args) != 4 {
		usage()
	}
	rate, err1 := strconv.Atoi(args[1])
	dur, err2 := time.ParseDuration(args[2])
	timeout, err3 := time.ParseDuration(args[3])
	if err1 != nil || err2 != nil || err3 != nil || rate <= 0 {
		usage()
	}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	var mu sync.Mutex
	var lat []float64
	failed := map[string]int{}
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	end := time.Now().Add(dur)
	sent := 0
	for now := range tick.C {
		if now.After(end) {
			break
		}
		sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			resp, err := client.Get(args[0])
			kind := ""
			if err != nil {
				kind = "error"
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					kind = "timeout"
				}
			} else {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					kind = "body-error"
				} else if resp.StatusCode/100 != 2 {
					kind = "status-" + strconv.Itoa(resp.StatusCode)
				}
			}
			ms := float64(time.Since(start).Microseconds()) / 1000
			mu.Lock()
			defer mu.Unlock()
			if kind != "" {
				failed[kind]++
			} else {
				lat = append(lat, ms)
			}
		}()
	}
	wg.Wait()
	sort.Float64s(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return -1
		}
		i := int(p*float64(len(lat))+0.999999) - 1
		if i < 0 {
			i = 0
		}
		return lat[i]
	}
	nfail := 0
	var kinds []string
	for k, v := range failed {
		nfail += v
		kinds = append(kinds, fmt.Sprintf("%q:%d", k, v))
	}
	sort.Strings(kinds)
	fmt.Printf("{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"failures\":{%s},\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}\n",
		sent, len(lat), nfail, strings.Join(kinds, ","), pct(0.50), pct(0.99), pct(1))
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: goinspect serve PORT [HOST] | goinspect send [-first DUR] [-quiet DUR] CORPUS NAME=HOST:PORT... |\n       goinspect probe URL RATE DURATION TIMEOUT | goinspect --version")
	os.Exit(2)
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(runtime.Version())
		return
	}
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2:])
	case "send":
		send(os.Args[2:])
	case "probe":
		probe(os.Args[2:])
	default:
		usage()
	}
}

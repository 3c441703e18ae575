// Benchmark peer for bench/h2-compare.sh: Go's HTTP/2 server answering GET /hello with "hello\n", as the
// HTTP/1.1 peer (bench/peers/go) does.
//
// Usage: go-h2-hello PORT HOST h2c            cleartext HTTP/2 with prior knowledge (x/net's h2c handler)
//        go-h2-hello PORT HOST h2 CERT KEY    HTTP/2 over TLS by ALPN (the standard library's own HTTP/2)
// Port 0 picks a free port. Prints "listening on http://HOST:PORT" (https for h2) once it accepts connections.
// Built in GOPATH mode against Debian's golang-golang-x-net-dev (no module downloads).
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
)

var body = []byte("hello\n")

func hello(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/hello" {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(runtime.Version() + ", golang.org/x/net 0.7.0 (Debian) for h2c")
		return
	}
	if len(os.Args) < 4 || (os.Args[3] == "h2" && len(os.Args) != 6) || (os.Args[3] != "h2" && os.Args[3] != "h2c") {
		fmt.Fprintln(os.Stderr, "usage: go-h2-hello PORT HOST h2c | go-h2-hello PORT HOST h2 CERT KEY")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(os.Args[2], os.Args[1]))
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-h2-hello: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(hello),
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	if os.Args[3] == "h2c" {
		srv.Handler = h2c.NewHandler(srv.Handler, &http2.Server{})
		fmt.Printf("listening on http://%s\n", ln.Addr())
		err = srv.Serve(ln)
	} else {
		fmt.Printf("listening on https://%s\n", ln.Addr())
		err = srv.ServeTLS(ln, os.Args[4], os.Args[5])
	}
	fmt.Fprintf(os.Stderr, "go-h2-hello: %v\n", err)
	os.Exit(1)
}

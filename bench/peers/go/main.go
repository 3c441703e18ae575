// Benchmark peer for bench/server-compare.sh: Go's net/http answering GET /hello with "hello\n".
//
// Usage: go-hello PORT [HOST [DIR]]   (port 0 picks a free port; HOST, the address to listen on, defaults to
// 127.0.0.1; DIR, for the static-file benchmark, is served by http.FileServer for every path but /hello).
// Prints "listening on http://HOST:PORT" once it accepts connections, like `hourglass serve`.
// Standard library only.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
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
		fmt.Println(runtime.Version())
		return
	}
	if len(os.Args) < 2 || len(os.Args) > 4 {
		fmt.Fprintln(os.Stderr, "usage: go-hello PORT [HOST [DIR]]   (port 0 picks a free port; HOST defaults to 127.0.0.1)")
		os.Exit(2)
	}
	port, err := strconv.Atoi(os.Args[1])
	if err != nil || port < 0 || port > 65535 {
		fmt.Fprintf(os.Stderr, "go-hello: not a port: %s\n", os.Args[1])
		os.Exit(2)
	}
	host := "127.0.0.1"
	if len(os.Args) >= 3 {
		host = os.Args[2]
	}
	var handler http.Handler = http.HandlerFunc(hello)
	if len(os.Args) == 4 {
		files := http.FileServer(http.Dir(os.Args[3]))
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hello" {
				hello(w, r)
				return
			}
			files.ServeHTTP(w, r)
		})
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-hello: %v\n", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "go-hello: %v\n", err)
		os.Exit(1)
	}
}

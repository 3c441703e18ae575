// A Go net/http server that reports the request trailers it received, for the Hourglass client's request
// trailer tests: HTTP/1.1 in clear text and HTTP/2 over TLS by ALPN (net/http's own, no x/net). It prints
// "ports H1 H2" once both listen on 127.0.0.1.
//
//	go run main.go CERT KEY
package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

// errs holds what the body reads of cut requests ended with, for /last-error.
var errs = make(chan string, 16)

// trailers answers with the trailer names declared in the header (r.Trailer's keys before the body is
// read), the body's SHA-256, and the trailer fields once the body has been read to its end.
func trailers(w http.ResponseWriter, r *http.Request) {
	declared := make([]string, 0, len(r.Trailer))
	for k := range r.Trailer {
		declared = append(declared, k)
	}
	sort.Strings(declared)
	h := sha256.New()
	if _, err := io.Copy(h, r.Body); err != nil {
		errs <- err.Error()
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "proto=%s\n", r.Proto)
	fmt.Fprintf(&b, "declared=%s\n", strings.Join(declared, ","))
	fmt.Fprintf(&b, "sha=%s\n", hex.EncodeToString(h.Sum(nil)))
	keys := make([]string, 0, len(r.Trailer))
	for k := range r.Trailer {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Trailer[k] {
			fmt.Fprintf(&b, "trailer %s=%s\n", k, v)
		}
	}
	io.WriteString(w, b.String())
}

// lastError waits up to 10 s for the error a cut request's body read ended with.
func lastError(w http.ResponseWriter, r *http.Request) {
	select {
	case e := <-errs:
		io.WriteString(w, e)
	case <-time.After(10 * time.Second):
		io.WriteString(w, "none")
	}
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/trailers", trailers)
	mux.HandleFunc("/last-error", lastError)
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	secure, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	cert, err := tls.LoadX509KeyPair(os.Args[1], os.Args[2])
	if err != nil {
		panic(err)
	}
	h1 := &http.Server{Handler: mux}
	h2 := &http.Server{Handler: mux, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	fmt.Printf("ports %d %d\n", plain.Addr().(*net.TCPAddr).Port, secure.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	go func() { panic(h1.Serve(plain)) }()
	panic(h2.ServeTLS(secure, "", ""))
}

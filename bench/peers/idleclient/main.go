// Client for bench/idle-memory.sh: opens N keep-alive connections, makes one request on each, then holds
// them all open and idle until told to close.
//
// Usage: idle-client [-parallel P] [-path /hello] [-timeout 30s] [-stdin] HOST:PORT N
//
// Each connection sends "GET PATH HTTP/1.1", reads the whole response (which must be a 200 that keeps the
// connection open) and then sits idle; one goroutine per connection waits in Read to notice the server
// closing it. P connections are set up at a time, so the server's accept queue never overflows. Once all N
// are idle it prints one line "ready conns=N seconds=S" on stdout. On SIGTERM or SIGINT (and, with -stdin,
// at end of standard input) it prints "closing conns=N closed_by_server=K" and closes them all. A failed
// connection ends the program with status 1 before "ready". Standard library only.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "idle-client: "+format+"\n", args...)
	os.Exit(1)
}

// open connects, makes one request and reads its response; the connection is then idle.
func open(addr string, req []byte, timeout time.Duration) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write(req); err != nil {
		c.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		err = fmt.Errorf("reading the body: %w", err)
	case resp.StatusCode != 200:
		err = fmt.Errorf("status %d", resp.StatusCode)
	case resp.Close:
		err = fmt.Errorf("the server closes the connection after the response")
	case br.Buffered() > 0:
		err = fmt.Errorf("%d bytes after the response", br.Buffered())
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

func main() {
	parallel := flag.Int("parallel", 32, "connections set up at a time")
	path := flag.String("path", "/hello", "request path")
	timeout := flag.Duration("timeout", 30*time.Second, "limit for connecting and for each response")
	useStdin := flag.Bool("stdin", false, "also close everything at end of standard input")
	version := flag.Bool("version", false, "print the Go version and exit")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: idle-client [-parallel P] [-path /hello] [-timeout 30s] [-stdin] HOST:PORT N")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *version {
		fmt.Println(runtime.Version())
		return
	}
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	addr := flag.Arg(0)
	n, err := strconv.Atoi(flag.Arg(1))
	if err != nil || n < 1 {
		fail("N must be a positive integer, got %q", flag.Arg(1))
	}
	if *parallel < 1 {
		fail("-parallel must be at least 1")
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	if *useStdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			stop <- syscall.SIGHUP
		}()
	}

	req := []byte("GET " + *path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: idle-client\r\n\r\n")
	conns := make([]net.Conn, n)
	var next, closedByServer int64 = -1, 0
	var wg sync.WaitGroup
	errs := make(chan error, *parallel)
	start := time.Now()
	for w := 0; w < *parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := atomic.AddInt64(&next, 1)
				if i >= int64(n) {
					return
				}
				c, err := open(addr, req, *timeout)
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", i+1, err)
					return
				}
				conns[i] = c
				go func() { // idle: returns only when the server closes (or we do)
					var b [1]byte
					c.Read(b[:])
					atomic.AddInt64(&closedByServer, 1)
				}()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case err := <-errs:
		fail("%v", err)
	case <-stop:
		fail("stopped before all %d connections were open", n)
	case <-done:
	}
	select {
	case err := <-errs:
		fail("%v", err)
	default:
	}
	fmt.Printf("ready conns=%d seconds=%.2f\n", n, time.Since(start).Seconds())

	<-stop
	// Read the count before closing: our own closes end the readers too.
	fmt.Printf("closing conns=%d closed_by_server=%d\n", n, atomic.LoadInt64(&closedByServer))
	for _, c := range conns {
		c.Close()
	}
}

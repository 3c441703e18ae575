// Client peer for bench/client-compare.sh: Go's net/http client in a closed loop.
//
// Usage: go-client URL N C [W]
//
// C goroutines send GET URL back to back over keep-alive connections (Transport.MaxIdleConnsPerHost = C)
// until W warm-up calls, then N measured calls, are done; each reads the body fully and closes it. Prints
// one JSON line: the measured part's wall time, completed and failed calls, and this process's CPU time
// (getrusage, all threads) over the measured part and in total. Standard library only.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fmt.Fprintf(os.Stderr, "go-client: getrusage: %v\n", err)
		os.Exit(1)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// phase runs n calls with c goroutines; returns completed (2xx, body read) and failed calls. Each goroutine
// has its own request and reuses it call after call (allowed once the previous body is closed; sharing one
// request between goroutines is not: the Transport tracks calls by *Request).
func phase(client *http.Client, url string, n int64, c int) (ok, failed int64) {
	var left = n
	var wg sync.WaitGroup
	for g := 0; g < c; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				fmt.Fprintf(os.Stderr, "go-client: %v\n", err)
				os.Exit(2)
			}
			for atomic.AddInt64(&left, -1) >= 0 {
				resp, err := client.Do(req)
				if err != nil {
					if atomic.AddInt64(&failed, 1) <= 3 {
						fmt.Fprintf(os.Stderr, "go-client: %v\n", err)
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode/100 != 2 {
					atomic.AddInt64(&failed, 1)
				} else {
					atomic.AddInt64(&ok, 1)
				}
			}
		}()
	}
	wg.Wait()
	return ok, failed
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Println(runtime.Version())
		return
	}
	if len(os.Args) < 4 || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: go-client URL N C [W]   (N measured calls, C concurrent callers, W warm-up calls)")
		os.Exit(2)
	}
	num := func(s string, min int64) int64 {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < min {
			fmt.Fprintf(os.Stderr, "go-client: not a number >= %d: %s\n", min, s)
			os.Exit(2)
		}
		return v
	}
	url := os.Args[1]
	n := num(os.Args[2], 1)
	c := int(num(os.Args[3], 1))
	var w int64
	if len(os.Args) == 5 {
		w = num(os.Args[4], 0)
	}
	transport := &http.Transport{
		MaxIdleConns:        c,
		MaxIdleConnsPerHost: c,
		IdleConnTimeout:     60 * time.Second,
	}
	if ca := os.Getenv("BENCH_H2_CA"); ca != "" {
		// client-compare.sh --protocol h2: HTTP/2 over TLS by ALPN, net/http's own (a custom TLS config
		// turns it off unless ForceAttemptHTTP2)
		pem, err := os.ReadFile(ca)
		if err != nil {
			fmt.Fprintf(os.Stderr, "go-client: %v\n", err)
			os.Exit(2)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		transport.TLSClientConfig = &tls.Config{RootCAs: pool}
		transport.ForceAttemptHTTP2 = true
	}
	client := &http.Client{Transport: transport}
	var wok, wfailed int64
	if w > 0 {
		wok, wfailed = phase(client, url, w, c)
	}
	cpu0 := cpuSeconds()
	t0 := time.Now()
	ok, failed := phase(client, url, n, c)
	elapsed := time.Since(t0).Seconds()
	cpu1 := cpuSeconds()
	fmt.Printf("{\"client\":\"go\",\"n\":%d,\"concurrency\":%d,\"warmup\":%d,\"warmup_completed\":%d,\"warmup_failed\":%d,"+
		"\"completed\":%d,\"failed\":%d,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,\"cpu_total_s\":%.6f}\n",
		n, c, w, wok, wfailed, ok, failed, elapsed, cpu1-cpu0, cpu1)
	if ok == 0 {
		os.Exit(1)
	}
}

// Peer of StaticFilesGoDiffTest: Go's http.FileServer serving a directory behind an http.ServeMux, the way a
// Go service serves static files. It adds the same strong ETag that Hourglass's StaticFiles sends,
// "<size in hex>-<modification time in ns in hex>", so that the entity-tag conditionals are compared too
// (FileServer sets no ETag of its own; ServeContent honours one the handler set).
//
// Usage: go-fileserver ROOT. Prints "listening on http://127.0.0.1:PORT" once it accepts connections.
// Standard library only.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go-fileserver ROOT")
		os.Exit(2)
	}
	root := os.Args[1]
	files := http.FileServer(http.Dir(root))
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(root, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		if fi, err := os.Stat(name); err == nil {
			if fi.IsDir() {
				fi, err = os.Stat(filepath.Join(name, "index.html"))
			}
			if err == nil && fi.Mode().IsRegular() {
				w.Header().Set("ETag", fmt.Sprintf("\"%x-%x\"", fi.Size(), fi.ModTime().UnixNano()))
			}
		}
		files.ServeHTTP(w, r)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-fileserver:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := http.Serve(ln, mux); err != nil {
		fmt.Fprintln(os.Stderr, "go-fileserver:", err)
		os.Exit(1)
	}
}

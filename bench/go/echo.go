// bench/go/echo.go: the Go echo server of the echo benchmark
// (bench/echo_load.c): the net package, a goroutine per connection with
// blocking Read and Write, as examples/echo_server.cpp does with tasks.
//
//	echo_go [port=0]
//
// Listens on 127.0.0.1, prints "port N", serves until killed.
package main

import (
	"fmt"
	"net"
	"os"
)

func serve(c net.Conn) {
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		if err != nil {
			break
		}
		if _, err := c.Write(buf[:n]); err != nil {
			break
		}
	}
	c.Close()
}

func main() {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", arg(1, 0)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "echo_go:", err)
		os.Exit(1)
	}
	fmt.Printf("port %d\n", ln.Addr().(*net.TCPAddr).Port)
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(c)
	}
}

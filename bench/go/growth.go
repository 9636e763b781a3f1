// bench/go/growth.go: the recursion of bench/growth.c in a fresh goroutine
// (which starts on a 2 KiB stack and grows by copying, like a morestack
// fiber), until it has used 15/16 of the target size; timed inside the
// goroutine.
//
//	growth_go <target_bytes> [reps=5]
package main

import (
	"fmt"
	"os"
	"time"
	"unsafe"
)

var leafFrame uintptr

//go:noinline
func rec(n int, up *[12]int) int {
	var buf [12]int // zeroed, as in growth.c
	buf[0] = n
	buf[11] = up[11] + 1
	if n == 0 {
		leafFrame = uintptr(unsafe.Pointer(up)) - uintptr(unsafe.Pointer(&buf))
		return buf[11]
	}
	return rec(n-1, &buf) + buf[0]
}

var seed [12]int

func caseName(target int) string {
	if target >= 1<<20 {
		return fmt.Sprintf("%dMiB", target>>20)
	}
	return fmt.Sprintf("%dKiB", target>>10)
}

func main() {
	target := arg(1, 1<<20)
	reps := arg(2, 5)
	rec(20, &seed)
	frame := int(leafFrame)
	depth := target / 16 * 15 / frame
	times := make([]float64, reps)
	done := make(chan float64)
	for r := 0; r < reps; r++ {
		go func() {
			t0 := time.Now()
			rec(depth, &seed)
			done <- float64(time.Since(t0).Nanoseconds())
		}()
		times[r] = <-done
	}
	fmt.Fprintf(os.Stderr, "growth %s (Go): frame %d B, depth %d\n", caseName(target), frame, depth)
	report("growth", caseName(target), "go", median(times), "ns")
}

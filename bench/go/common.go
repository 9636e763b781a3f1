// bench/go/common.go: the Go side of bench/common.h (timing, medians,
// result lines, resident memory). Each benchmark is its own file with its
// own main(); bench/Makefile builds each one together with this file:
//
//	go build -o growth_go common.go growth.go
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
)

// median of the values (sorts them in place).
func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// report prints one result line, the same JSON as bench_report().
func report(bench, kase, variant string, value float64, unit string) {
	fmt.Printf("{\"bench\":\"%s\",\"case\":\"%s\",\"variant\":\"%s\",\"value\":%.6g,\"unit\":\"%s\"}\n",
		bench, kase, variant, value, unit)
}

// arg returns os.Args[i] as an int, or fallback when absent.
func arg(i int, fallback int) int {
	if len(os.Args) > i {
		if v, err := strconv.Atoi(os.Args[i]); err == nil {
			return v
		}
	}
	return fallback
}

// rssBytes is the resident set size of this process (/proc/self/statm).
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return -1
	}
	var total, resident int64
	fmt.Sscan(string(b), &total, &resident)
	return resident * 4096
}

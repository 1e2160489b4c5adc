package main

import (
	"math"
	"math/bits"
	"time"
)

// Histogram counts latencies in whole microseconds, HdrHistogram-like:
// every value below 2,048 µs has a bucket of its own, and above that each
// power of two is split into 1,024 buckets, so a value is recorded within
// 0.1 % at any size. The zero Histogram is ready to use; it is not safe for
// concurrent use (each load worker keeps its own and they are merged).
type Histogram struct {
	counts []int64
	n      int64
	sum    int64
	min    int64
	max    int64
}

const (
	subBits = 10
	subSize = 1 << subBits // buckets per power of two above the exact range
	exact   = 2 * subSize  // values below this have a bucket each
	maxUS   = 1<<40 - 1    // about 12 days: larger values are clamped
)

// bucketOf returns the bucket that counts v microseconds.
func bucketOf(v int64) int {
	if v < exact {
		return int(v)
	}
	s := bits.Len64(uint64(v)) - (subBits + 1) // v>>s lies in [subSize, 2*subSize)
	return exact + (s-1)*subSize + int(v>>s) - subSize
}

// lowestOf returns the smallest value that bucket i counts.
func lowestOf(i int) int64 {
	if i < exact {
		return int64(i)
	}
	s := (i-exact)/subSize + 1
	m := int64((i-exact)%subSize + subSize)
	return m << s
}

// highestOf returns the largest value that bucket i counts.
func highestOf(i int) int64 { return lowestOf(i+1) - 1 }

// Record counts one latency.
func (h *Histogram) Record(d time.Duration) { h.RecordMicros(d.Microseconds()) }

// RecordMicros counts one latency of v microseconds.
func (h *Histogram) RecordMicros(v int64) {
	v = min(max(v, 0), maxUS)
	i := bucketOf(v)
	if i >= len(h.counts) {
		h.counts = append(h.counts, make([]int64, i+1-len(h.counts)+subSize)...)
	}
	h.counts[i]++
	if h.n == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.n++
	h.sum += v
}

// Merge adds the counts of o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	if len(o.counts) > len(h.counts) {
		h.counts = append(h.counts, make([]int64, len(o.counts)-len(h.counts))...)
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.n += o.n
	h.sum += o.sum
}

// Count returns how many latencies were recorded.
func (h *Histogram) Count() int64 { return h.n }

// Max returns the largest latency recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Mean returns the mean latency.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum/h.n) * time.Microsecond
}

// Quantile returns the latency at or below which a share q (0 to 1) of
// the recorded latencies lie: the highest value of the bucket that holds
// the ceil(q·n)-th smallest latency, never more than the largest one seen.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(highestOf(i), h.max)) * time.Microsecond
		}
	}
	return h.Max()
}

package api

import (
	"strconv"
	"testing"
)

func TestAnswerCache(t *testing.T) {
	c := newAnswerCache(1000)
	c.put("1", 7, []byte("seven"))
	if b, ok := c.get("1", 7); !ok || string(b) != "seven" {
		t.Fatal("a fresh answer must be served")
	}
	if _, ok := c.get("1", 8); ok {
		t.Fatal("an answer read at an older version must not be served")
	}
	c.put("1", 8, []byte("eight"))
	if b, _ := c.get("1", 8); string(b) != "eight" || c.size != len("eight")+1 {
		t.Fatalf("replacing: size %d", c.size)
	}
	for i := range 500 {
		c.put(strconv.Itoa(i), 1, make([]byte, 50))
	}
	if c.size > 1000 || len(c.items) == 0 {
		t.Fatalf("budget 1000, size %d with %d items", c.size, len(c.items))
	}
}

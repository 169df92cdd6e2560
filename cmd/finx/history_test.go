package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/finx-dev/finx/extractors/passes"
)

func TestDemoHistory(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cases := []struct {
		name         string
		flag         string
		toClickHouse bool
		want         string // "nil", "memory" or the folder created
	}{
		{"file sink", "", false, filepath.Join(out, "history")},
		{"clickhouse", "", true, "memory"},
		{"off", "off", false, "nil"},
		{"flag", filepath.Join(dir, "h"), true, filepath.Join(dir, "h")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := demoHistory(c.flag, out, c.toClickHouse)
			if err != nil {
				t.Fatal(err)
			}
			switch c.want {
			case "nil":
				if h != nil {
					t.Errorf("got %T, want nil", h)
				}
			case "memory":
				if _, ok := h.(*passes.MemoryHistory); !ok {
					t.Errorf("got %T, want *passes.MemoryHistory", h)
				}
			default:
				if _, err := os.Stat(c.want); err != nil {
					t.Errorf("got %T, want folder %s: %v", h, c.want, err)
				}
			}
		})
	}
}

func TestOpenHistory(t *testing.T) {
	h, err := openHistory("")
	if err != nil || h != nil {
		t.Errorf("empty folder: got %v, %v, want nil, nil", h, err)
	}
	dir := filepath.Join(t.TempDir(), "history")
	h, err = openHistory(dir)
	if err != nil || h == nil {
		t.Fatalf("new folder: got %v, %v, want a history", h, err)
	}
}

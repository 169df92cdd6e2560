package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"defaults", Config{Addr: "127.0.0.1:9000"}, ""},
		{"missing addr", Config{}, "Addr is empty"},
		{"addr without port", Config{Addr: "localhost"}, "not host:port"},
		{"addr without host", Config{Addr: ":9000"}, "not host:port"},
		{"port out of range", Config{Addr: "127.0.0.1:70000"}, "invalid port"},
		{"database with dash", Config{Addr: "127.0.0.1:9000", Database: "finx-prod"}, "not a plain identifier"},
		{"database with backtick", Config{Addr: "127.0.0.1:9000", Database: "a`b"}, "not a plain identifier"},
		{"negative batch rows", Config{Addr: "127.0.0.1:9000", BatchRows: -1}, "BatchRows -1"},
		{"negative batch bytes", Config{Addr: "127.0.0.1:9000", BatchBytes: -1}, "BatchBytes -1"},
		{"negative timeout", Config{Addr: "127.0.0.1:9000", ReadTimeout: -time.Second}, "ReadTimeout"},
		{"negative conns", Config{Addr: "127.0.0.1:9000", MaxOpenConns: -2}, "MaxOpenConns -2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, c.wantErr)
			}
			if !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("got %v, want it to wrap ErrInvalidConfig", err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	got := Config{Addr: "127.0.0.1:9000"}.withDefaults()
	if got.Database != DefaultDatabase || got.Username != DefaultUsername || got.BatchRows != DefaultBatchRows ||
		got.BatchBytes != DefaultBatchBytes || got.DialTimeout != DefaultDialTimeout || got.ReadTimeout != DefaultReadTimeout || got.MaxOpenConns != DefaultMaxOpenConns {
		t.Errorf("got %+v, want every default applied", got)
	}
	custom := Config{Addr: "h:1", Database: "x", BatchRows: 7}.withDefaults()
	if custom.Database != "x" || custom.BatchRows != 7 {
		t.Errorf("got Database %q BatchRows %d, want the set values x and 7", custom.Database, custom.BatchRows)
	}
}

func TestOpenRejectsInvalidConfig(t *testing.T) {
	_, err := Open(context.Background(), Config{}, nil)
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("got %v, want ErrInvalidConfig", err)
	}
}

func TestWriteError(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f", "g"}
	e := &WriteError{Table: "finx.metrics", DocIDs: ids, Err: io.ErrUnexpectedEOF}
	msg := e.Error()
	for _, want := range []string{"finx.metrics", "a, b, c, d, e", "and 2 more", "unexpected EOF"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Error() = %q, want it to contain %q", msg, want)
		}
	}
	if !errors.Is(e, io.ErrUnexpectedEOF) {
		t.Error("errors.Is(WriteError, io.ErrUnexpectedEOF): got false, want true")
	}

	temporary := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"deadline", context.DeadlineExceeded, true},
		{"too many parts", &ch.Exception{Code: 252, Message: "Too many parts"}, true},
		{"unknown table", &ch.Exception{Code: 60, Message: "Table finx.x doesn't exist"}, false},
		{"conversion", errors.New("converting string to Decimal"), false},
		{"canceled", context.Canceled, false},
	}
	for _, c := range temporary {
		t.Run(c.name, func(t *testing.T) {
			e := &WriteError{Table: "finx.risks", DocIDs: []string{"x"}, Err: c.err}
			if got := e.Temporary(); got != c.want {
				t.Errorf("Temporary(): got %v, want %v", got, c.want)
			}
		})
	}
}

func TestServerVersionAtLeast(t *testing.T) {
	v := ServerVersion{Major: 18, Minor: 16, Patch: 1}
	cases := []struct {
		major, minor uint64
		want         bool
	}{{18, 16, true}, {18, 14, true}, {1, 1, true}, {18, 17, false}, {19, 1, false}, {24, 8, false}}
	for _, c := range cases {
		if got := v.AtLeast(c.major, c.minor); got != c.want {
			t.Errorf("%s.AtLeast(%d, %d): got %v, want %v", v, c.major, c.minor, got, c.want)
		}
	}
}

package clickhouse

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

func TestAppendJSONValue(t *testing.T) {
	dec := "-0.04"
	bad := "1,577"
	cases := []struct {
		name    string
		in      any
		want    string
		wantErr string
	}{
		{"string escapes", "a\"b\\c\n<&>\u2028", `"a\"b\\c\n<&>\u2028"`, ""},
		{"invalid utf8", "a\xffb", `"a\ufffdb"`, ""},
		{"decimal", &dec, "-0.04", ""},
		{"null decimal", (*string)(nil), "null", ""},
		{"invalid decimal", &bad, "", "invalid decimal"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615", ""},
		{"int64 min", int64(math.MinInt64), "-9223372036854775808", ""},
		{"float", 0.85, "0.85", ""},
		{"nan", math.NaN(), "", "no JSON form"},
		{"empty array", []string{}, "[]", ""},
		{"time", time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("EST", -5*3600)), `"2025-01-02 08:04:05"`, ""},
		{"unsupported", 3, "", "unsupported value type int"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := appendJSONValue(&buf, c.in)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestAppendJSONEachRowIsValidJSON(t *testing.T) {
	got := encodeAll(t, sampleResult(), sampleDeadLetter())
	for i, line := range strings.Split(strings.TrimSpace(string(got)), "\n") {
		if strings.HasPrefix(line, "-- ") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("line %d is not valid JSON: %v\n%s", i+1, err, line)
		}
	}
}

func TestAppendJSONEachRowColumnCount(t *testing.T) {
	var buf bytes.Buffer
	err := appendJSONEachRow(&buf, tableRisks, Row{"only one value"})
	if err == nil || !strings.Contains(err.Error(), "got 1 values") {
		t.Fatalf("got %v, want a column count error", err)
	}
}

// TestWriteJSONStringMatchesEncodingJSON compares the string escaper with
// encoding/json, which decodes the result back to the same text.
func TestWriteJSONStringMatchesEncodingJSON(t *testing.T) {
	inputs := []string{"", "plain", "q\"b\\s/", "\x00\x01\x1f\x7f", "tab\tnl\ncr\r", "<&>", "\u2028\u2029", "ü — 😀", "bad\xff\xfeutf8", "\xe2\x82"}
	for _, in := range inputs {
		var buf bytes.Buffer
		writeJSONString(&buf, in)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			t.Fatal(err)
		}
		if got, w := buf.String(), strings.TrimSuffix(want.String(), "\n"); got != w {
			t.Errorf("writeJSONString(%q): got %s, want %s", in, got, w)
		}
	}
}

func FuzzWriteJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\u2028", "\xff", "😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		writeJSONString(&buf, s)
		// encoding/json replaces each invalid UTF-8 byte with U+FFFD, as
		// writeJSONString does.
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var got, back string
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatalf("output %s is not a JSON string: %v", buf.Bytes(), err)
		}
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatal(err)
		}
		if got != back {
			t.Fatalf("decoded %q, want %q", got, back)
		}
	})
}

package pdftest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// TestXrefOffsets checks that every cross-reference entry points at its
// object and that startxref points at the table.
func TestXrefOffsets(t *testing.T) {
	doc := Doc{
		Fonts: []Font{
			{Name: "F1", BaseFont: "Courier", Widths: Courier()},
			{Name: "F2", BaseFont: "Test", ToUnicode: map[uint16]string{1: "a"}},
		},
		Forms:    []Form{{Name: "Fm1", Content: Line("F1", 10, 72, 700, "form")}},
		Pages:    []string{Line("F1", 10, 72, 700, "one"), "BT /F2 10 Tf 72 700 Td " + Hex(1) + " Tj ET"},
		Compress: true,
	}
	data := doc.Bytes()

	tail := data[bytes.LastIndex(data, []byte("startxref\n"))+len("startxref\n"):]
	xref, err := strconv.Atoi(string(tail[:bytes.IndexByte(tail, '\n')]))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the table: %q", xref, data[xref:xref+10])
	}
	lines := strings.Split(string(data[xref:]), "\n")
	size, err := strconv.Atoi(strings.Fields(lines[1])[1])
	if err != nil {
		t.Fatal(err)
	}
	for num := 1; num < size; num++ {
		off, err := strconv.Atoi(strings.Fields(lines[2+num])[0])
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d 0 obj\n", num); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Errorf("object %d: offset %d starts with %q, want %q", num, off, data[off:off+len(want)], want)
		}
	}
}

func TestLiteralEscapes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "(plain)"},
		{`a (b) c\d`, `(a \(b\) c\\d)`},
		{"two\nlines", `(two\nlines)`},
	}
	for _, tt := range tests {
		if got := literal(tt.in); got != tt.want {
			t.Errorf("literal(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

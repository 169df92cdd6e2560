package main

import "testing"

func TestPrintable(t *testing.T) {
	cases := map[string]string{
		"plain/file.pdf":    "plain/file.pdf",
		"with space.pdf":    "with space.pdf",
		"new\nline.pdf":     `"new\nline.pdf"`,
		"b\xff.html":        `"b\xff.html"`,
		"rtl\u202egpj.html": `"rtl\u202egpj.html"`,
		"unicode-é-名前.html": "unicode-é-名前.html",
	}
	for in, want := range cases {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %s, want %s", in, got, want)
		}
	}
}

package pdf

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestDumpTmp(t *testing.T) {
	spec := os.Getenv("DUMP")
	if spec == "" {
		t.Skip()
	}
	parts := strings.Split(spec, ":")
	data, _ := os.ReadFile(parts[0])
	doc, err := Parse(context.Background(), parts[0], data, Config{})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(parts[1])
	p := doc.Pages[n-1]
	fmt.Println(doc.Text[p.Start:p.End])
}

func TestDumpGlyphs(t *testing.T) {
	spec := os.Getenv("GLYPHS")
	if spec == "" {
		t.Skip()
	}
	parts := strings.Split(spec, ":")
	data, _ := os.ReadFile(parts[0])
	src, _, _ := precheck(data)
	p := &parser{name: "x", maxPages: 2000, stop: func() bool { return false }}
	_ = src
	n, _ := strconv.Atoi(parts[1])
	r, _ := openReader(src)
	pages, _ := p.collectPages(r.Trailer().Key("Root").Key("Pages"))
	in := &interpreter{stop: p.stop}
	sc := &scope{resources: inherited(pages[n-1], "Resources"), fonts: make(map[string]*font)}
	in.run(pages[n-1].Key("Contents"), sc, identity, 0)
	for i, g := range in.glyphs {
		if strings.Contains(parts[2], fmt.Sprint(i/1000)) {
			fmt.Printf("%d %q x=%.2f y=%.2f w=%.2f size=%.2f bold=%v it=%v\n", i, g.s, g.x, g.y, g.w, g.size, g.bold, g.italic)
		}
	}
}

func BenchmarkCorpusTmp(b *testing.B) {
	data, _ := os.ReadFile(os.Getenv("BENCHFILE"))
	for b.Loop() {
		if _, err := Parse(context.Background(), "x", data, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDumpAllTmp(t *testing.T) {
	out := os.Getenv("DUMPALL")
	if out == "" {
		t.Skip()
	}
	for _, f := range strings.Fields(os.Getenv("FILES")) {
		data, _ := os.ReadFile(f)
		doc, err := Parse(context.Background(), f, data, Config{})
		if err != nil {
			t.Fatal(err)
		}
		base := out + "/" + strings.TrimSuffix(f[strings.LastIndex(f, "/")+1:], ".pdf")
		os.WriteFile(base+".txt", []byte(doc.Text), 0o644)
	}
}

func TestRotatedTmp(t *testing.T) {
	if os.Getenv("ROT") == "" {
		t.Skip()
	}
	for _, f := range strings.Fields(os.Getenv("FILES")) {
		data, _ := os.ReadFile(f)
		src, _, _ := precheck(data)
		p := &parser{name: "x", maxPages: 2000, stop: func() bool { return false }}
		r, _ := openReader(src)
		pages, _ := p.collectPages(r.Trailer().Key("Root").Key("Pages"))
		n := 0
		maxG := 0
		for _, pv := range pages {
			in := &interpreter{stop: p.stop}
			sc := &scope{resources: inherited(pv, "Resources"), fonts: make(map[string]*font)}
			in.run(pv.Key("Contents"), sc, identity, 0)
			for _, g := range in.glyphs {
				if g.rot {
					n++
				}
			}
			maxG = max(maxG, len(in.glyphs))
			if cs := contentSize(pv.Key("Contents"), 1<<30); cs > int64(n) {
				n = int(cs)
			}
		}
		fmt.Println(f, "rotated glyphs", n, "max glyphs", maxG)
	}
}

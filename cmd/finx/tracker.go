package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/schemas"
)

// tracker accounts for every published document: a run is complete when
// each one was loaded or dead-lettered.
type tracker struct {
	mu        sync.Mutex
	published map[string]string // doc id to source path
	order     []string
	loaded    map[string]*schemas.Result
	dead      map[string]schemas.DeadLetter
	changed   chan struct{}
}

func newTracker() *tracker {
	return &tracker{
		published: make(map[string]string),
		loaded:    make(map[string]*schemas.Result),
		dead:      make(map[string]schemas.DeadLetter),
		changed:   make(chan struct{}, 1),
	}
}

func (t *tracker) notify() {
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

func (t *tracker) publish(docID, path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.published[docID]; !ok {
		t.order = append(t.order, docID)
	}
	t.published[docID] = path
}

// owns reports whether a message concerns a document this run published:
// its key is a published document id, or the path of an unreadable file.
func (t *tracker) owns(msg kafkago.Message) bool {
	key := string(msg.Key)
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.published[key]; ok {
		return true
	}
	_, ok := t.published[unreadableKey(key)]
	return ok
}

func (t *tracker) onLoaded(results []*schemas.Result) {
	t.mu.Lock()
	for _, r := range results {
		t.loaded[r.Filing.DocID] = r
	}
	t.mu.Unlock()
	t.notify()
}

// unreadableKey is the tracker key of a file that could not be read, which
// has no content and so no document id.
func unreadableKey(path string) string { return "unreadable:" + path }

func (t *tracker) onDead(letters []schemas.DeadLetter) {
	t.mu.Lock()
	for _, dl := range letters {
		key := dl.DocID
		if key == "" && dl.Stage == schemas.StagePublish {
			key = unreadableKey(dl.SourcePath)
		}
		t.dead[key] = dl
	}
	t.mu.Unlock()
	t.notify()
}

// counts returns documents published, accounted for, loaded and dead-lettered.
func (t *tracker) counts() (published, done, loaded, dead int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id := range t.published {
		_, l := t.loaded[id]
		_, d := t.dead[id]
		if l {
			loaded++
		} else if d {
			dead++
		}
	}
	return len(t.published), loaded + dead, loaded, dead
}

// missing returns the source paths of documents neither loaded nor
// dead-lettered.
func (t *tracker) missing() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, id := range t.order {
		_, l := t.loaded[id]
		_, d := t.dead[id]
		if !l && !d {
			out = append(out, t.published[id])
		}
	}
	return out
}

// summary writes one row per published document.
func (t *tracker) summary(w io.Writer, base []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := append([]string(nil), t.order...)
	sort.SliceStable(ids, func(i, j int) bool { return t.published[ids[i]] < t.published[ids[j]] })

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOCUMENT\tFORM\tPAGES\tSECTIONS\tRISKS\tNUMBERS\tGUIDANCE\tCITED\tERRORS")
	var totals [6]int
	for _, id := range ids {
		path := printable(relativeTo(t.published[id], base))
		if r, ok := t.loaded[id]; ok {
			pages := "-"
			if r.Pages > 0 {
				pages = fmt.Sprintf("%d/%d", r.PagesWithText, r.Pages)
			}
			review := 0
			for _, x := range r.Risks {
				if x.Status == schemas.StatusNeedsReview {
					review++
				}
			}
			for _, x := range r.Metrics {
				if x.Status == schemas.StatusNeedsReview {
					review++
				}
			}
			for _, x := range r.Guidance {
				if x.Status == schemas.StatusNeedsReview {
					review++
				}
			}
			errs := "-"
			var notes []string
			if review > 0 {
				notes = append(notes, fmt.Sprintf("%d to review", review))
			}
			if n := len(r.Warnings); n > 0 {
				notes = append(notes, fmt.Sprintf("%d warnings", n))
			}
			if len(notes) > 0 {
				errs = strings.Join(notes, ", ")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d/%d\t%s\n", path, orDash(r.Filing.Form), pages,
				len(r.Sections), len(r.Risks), len(r.Metrics), len(r.Guidance),
				r.Stats.CitationsVerified, r.Stats.CitationsChecked, errs)
			totals[0]++
			totals[1] += len(r.Risks)
			totals[2] += len(r.Metrics)
			totals[3] += len(r.Guidance)
			totals[4] += r.Stats.CitationsVerified
			totals[5] += r.Stats.CitationsChecked
			continue
		}
		if dl, ok := t.dead[id]; ok {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\tdead letter (%s): %s\n", path, dl.Reason, clipLine(dl.Error, 100))
			continue
		}
		fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\t-\tMISSING: neither loaded nor dead-lettered\n", path)
	}
	fmt.Fprintf(tw, "TOTAL %d loaded\t\t\t\t%d\t%d\t%d\t%d/%d\t\n", totals[0], totals[1], totals[2], totals[3], totals[4], totals[5])
	tw.Flush()
}

func relativeTo(path string, bases []string) string {
	for _, b := range bases {
		if rel, err := filepath.Rel(b, path); err == nil && !strings.HasPrefix(rel, "..") && rel != "." {
			return rel
		}
	}
	return path
}

// printable quotes a path that is not valid UTF-8 or holds characters that
// are not printable (a newline, a bidirectional override, the byte 0xff that
// text/tabwriter reads as its escape), which would garble the table.
func printable(path string) string {
	if !utf8.ValidString(path) {
		return strconv.Quote(path)
	}
	for _, r := range path {
		if !strconv.IsPrint(r) {
			return strconv.Quote(path)
		}
	}
	return path
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// progress redraws one status line on a terminal until stop is closed.
func progress(w io.Writer, t *tracker, stop <-chan struct{}) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		published, done, loaded, dead := t.counts()
		fmt.Fprintf(w, "\r\033[Kdocuments %d/%d done (%d loaded, %d dead-lettered) %s", done, published, loaded, dead, time.Since(start).Round(time.Second))
		select {
		case <-stop:
			fmt.Fprint(w, "\r\033[K")
			return
		case <-tick.C:
		}
	}
}

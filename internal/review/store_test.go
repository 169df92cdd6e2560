package review

import (
	"fmt"
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestLatestFilings(t *testing.T) {
	filing := func(docID string, version uint64, company string) row {
		return row{"doc_id": docID, "version": version, "company": company}
	}
	tests := []struct {
		name string
		rows []row
		// want lists each document as "doc_id/version/company", in order.
		want string
	}{
		{"empty", nil, ""},
		{"one version each", []row{filing("a", 1, "A"), filing("b", 1, "B")}, "a/1/A b/1/B"},
		{"newer version later", []row{filing("a", 1, "old"), filing("b", 1, "B"), filing("a", 2, "new")}, "a/2/new b/1/B"},
		{"newer version first", []row{filing("a", 3, "new"), filing("a", 2, "old")}, "a/3/new"},
		{"equal versions keep the first", []row{filing("a", 1, "first"), filing("a", 1, "second")}, "a/1/first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range latestFilings(tt.rows) {
				got = append(got, fmt.Sprintf("%s/%d/%s", f.DocID, f.Version, f.Company))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

func TestNeedingReview(t *testing.T) {
	risk := func(id, status string) Item {
		return Item{Kind: schemas.KindRisk, DocID: "d", Risk: &schemas.Risk{ID: id, Status: status}}
	}
	items := []Item{
		risk("r1", schemas.StatusNeedsReview),
		risk("r2", schemas.StatusAccepted),
		risk("r3", schemas.StatusNeedsReview),
		risk("r4", schemas.StatusRejected),
	}
	var got []string
	for _, it := range needingReview(items) {
		got = append(got, it.ID())
	}
	if g, want := strings.Join(got, " "), "r1 r3"; g != want {
		t.Errorf("got %q, want %q", g, want)
	}
	if got := needingReview(nil); len(got) != 0 {
		t.Errorf("got %d items from nil, want 0", len(got))
	}
}

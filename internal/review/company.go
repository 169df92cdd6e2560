package review

import (
	"net/http"
	"sort"
	"strings"
	"unicode"

	"github.com/finx-dev/finx/schemas"
)

// companyPage is the data of the company page.
type companyPage struct {
	Name     string
	Key      string
	Filings  []Filing
	Changes  []riskChanges
	Guidance []guidanceRow
	Charts   []chart
}

// riskChanges compares one filing's risk factors with the previous filing of
// the same form.
type riskChanges struct {
	Filing   Filing
	Previous Filing
	// Source names the method that found the changes: the extraction's
	// change marks or a comparison of headings.
	Source    string
	Added     []Item
	Reworded  []rewordedRisk
	Removed   []string
	Unchanged int
}

type rewordedRisk struct {
	Item     Item
	Previous string
}

// guidanceRow is one guidance item with its filing.
type guidanceRow struct {
	Filing Filing
	Item   Item
}

func (s *Server) handleCompany(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	key := r.PathValue("key")
	all, err := s.cfg.Store.Filings(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "the filings could not be read", err)
		return
	}
	var filings []Filing
	for _, f := range all {
		if f.CompanyKey() == key && key != "" {
			filings = append(filings, f)
		}
	}
	if len(filings) == 0 {
		s.fail(w, r, http.StatusNotFound, "no filings of this company", nil)
		return
	}
	sortFilings(filings)
	data := companyPage{Name: filings[len(filings)-1].Company, Key: key, Filings: filings}
	items := make(map[string][]Item, len(filings))
	for _, f := range filings {
		its, err := s.cfg.Store.Items(ctx, f.DocID)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, "the items could not be read", err)
			return
		}
		var kept []Item
		for _, it := range its {
			if it.Status() != schemas.StatusRejected {
				kept = append(kept, it)
			}
		}
		sortByPosition(kept)
		items[f.DocID] = kept
	}

	// Risk changes between consecutive filings of each form.
	previous := make(map[string]Filing)
	for _, f := range filings {
		prev, ok := previous[f.Form]
		previous[f.Form] = f
		if !ok {
			continue
		}
		risks, prevRisks := kind(items[f.DocID], schemas.KindRisk), kind(items[prev.DocID], schemas.KindRisk)
		// Forms without risk factors, such as most 8-Ks, have nothing to compare.
		if len(risks) == 0 && len(prevRisks) == 0 {
			continue
		}
		data.Changes = append(data.Changes, compareRisks(f, prev, risks, prevRisks))
	}
	for _, f := range filings {
		for _, it := range kind(items[f.DocID], schemas.KindGuidance) {
			data.Guidance = append(data.Guidance, guidanceRow{Filing: f, Item: it})
		}
	}
	data.Charts = metricCharts(filings, items)
	s.render(w, r, http.StatusOK, "company.html", s.newPage(r, data.Name, data))
}

// sortFilings orders filings by filing date, then publication time.
func sortFilings(fs []Filing) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.FilingDate != b.FilingDate {
			return a.FilingDate < b.FilingDate
		}
		if !a.PublishedAt.Equal(b.PublishedAt) {
			return a.PublishedAt.Before(b.PublishedAt)
		}
		return a.SourcePath < b.SourcePath
	})
}

func kind(items []Item, k string) []Item {
	var out []Item
	for _, it := range items {
		if it.Kind == k {
			out = append(out, it)
		}
	}
	return out
}

// rewordedThreshold is the minimum word-set Jaccard similarity of two
// headings for the newer one to count as a rewording of the older.
const rewordedThreshold = 0.5

// compareRisks lists the risks added, reworded and removed in cur against
// prev. When the extraction marked changes (Risk.Change), it uses those
// marks. Otherwise it compares headings: an equal set of words is unchanged,
// a similar one reworded, and the rest added or removed.
func compareRisks(cur, prev Filing, risks, prevRisks []Item) riskChanges {
	out := riskChanges{Filing: cur, Previous: prev, Source: "heading comparison"}
	prevByID := make(map[string]Item, len(prevRisks))
	for _, p := range prevRisks {
		prevByID[p.ID()] = p
	}
	marked := false
	for _, r := range risks {
		if c := r.Risk.Change; c != "" && c != schemas.ChangeUnknown {
			marked = true
		}
	}
	matched := make(map[string]bool)
	if marked {
		out.Source = "extraction change marks"
		for _, r := range risks {
			switch r.Risk.Change {
			case schemas.ChangeNew:
				out.Added = append(out.Added, r)
			case schemas.ChangeReworded:
				out.Reworded = append(out.Reworded, rewordedRisk{Item: r, Previous: prevByID[r.Risk.PreviousID].Title()})
			default:
				out.Unchanged++
			}
			if r.Risk.PreviousID != "" {
				matched[r.Risk.PreviousID] = true
			}
		}
	} else {
		for _, r := range risks {
			best, bestScore := "", 0.0
			words := headingWords(r.Risk.Heading)
			for _, p := range prevRisks {
				if matched[p.ID()] {
					continue
				}
				score := jaccard(words, headingWords(p.Risk.Heading))
				if score > bestScore {
					best, bestScore = p.ID(), score
				}
			}
			switch {
			case bestScore == 1:
				out.Unchanged++
				matched[best] = true
			case bestScore >= rewordedThreshold:
				out.Reworded = append(out.Reworded, rewordedRisk{Item: r, Previous: prevByID[best].Title()})
				matched[best] = true
			default:
				out.Added = append(out.Added, r)
			}
		}
	}
	for _, p := range prevRisks {
		if !matched[p.ID()] {
			out.Removed = append(out.Removed, p.Risk.Heading)
		}
	}
	return out
}

// headingWords returns the set of lowercase words of a heading.
func headingWords(s string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

package passes

// Report describes one Run beyond its Result: what each pass read and what
// became of its candidates.
type Report struct {
	// Selections holds one entry per pass that ran, in order.
	Selections []Selection
	// Dropped counts, per kind, the candidates below Config.ReviewMin.
	Dropped map[Kind]int
	// HistoryErr is the error of the history lookup or record, if any. The
	// result then has no change data, and a result warning names the error.
	HistoryErr error
}

// Selection is the record of one pass of one kind: the text it read and the
// fate of its candidates.
type Selection struct {
	Kind Kind
	Pass Pass
	// Sections are the distinct section IDs of the chunks, in order; a chunk
	// outside any known section adds "".
	Sections []string
	// Spans are the chunks' byte spans [start, end) in Document.Text.
	Spans [][2]int
	// Bytes is the total length of the chunks.
	Bytes int
	// Candidates counts what the provider returned.
	Candidates int
	// Added counts new items; Duplicates counts candidates whose item an
	// earlier candidate or pass had already added.
	Added      int
	Duplicates int
	// Rejected counts candidates whose quote was not found, Malformed those
	// with missing or invalid fields, and Dropped those below the review
	// threshold. Covered counts the text figures that an XBRL fact of the
	// same metric and period already grounds, and Capped the dimensional
	// figures over Config.MaxDimensional.
	Rejected  int
	Malformed int
	Dropped   int
	Covered   int
	Capped    int
	// Withdrawals counts statements that guidance is withdrawn, which
	// become items only against the guidance of an earlier filing.
	Withdrawals int
}

// outcome is the fate of one candidate in the passes.
type outcome int

const (
	outAdded outcome = iota
	outDuplicate
	outRejected
	outMalformed
	outDropped
	outCovered
	// outCapped: a dimensional figure over Config.MaxDimensional.
	outCapped
	// outWithdrawal: a guidance withdrawal kept for the history.
	outWithdrawal
)

func (s *Selection) count(o outcome) {
	switch o {
	case outAdded:
		s.Added++
	case outDuplicate:
		s.Duplicates++
	case outRejected:
		s.Rejected++
	case outMalformed:
		s.Malformed++
	case outDropped:
		s.Dropped++
	case outCovered:
		s.Covered++
	case outCapped:
		s.Capped++
	case outWithdrawal:
		s.Withdrawals++
	}
}

func newSelection(kind Kind, pass Pass, chunks []Chunk) Selection {
	s := Selection{Kind: kind, Pass: pass}
	seen := map[string]bool{}
	for _, c := range chunks {
		if !seen[c.Section] {
			seen[c.Section] = true
			s.Sections = append(s.Sections, c.Section)
		}
		s.Spans = append(s.Spans, [2]int{c.Offset, c.End()})
		s.Bytes += len(c.Text)
	}
	return s
}

package passes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/finx-dev/finx/schemas"
)

// History stores what finx extracted from each company's filings, so that a
// later filing can be compared with the previous one. Implementations must
// be safe for concurrent use.
type History interface {
	// Snapshots returns the snapshots recorded under the company key (see
	// CompanyKey), in any order; none is not an error.
	Snapshots(ctx context.Context, company string) ([]Snapshot, error)
	// Record stores snap under its company key, replacing a snapshot of the
	// same DocID.
	Record(ctx context.Context, snap Snapshot) error
}

// Snapshot is the part of one filing's result that later filings are
// compared with.
type Snapshot struct {
	DocID   string `json:"doc_id"`
	Company string `json:"company,omitempty"`
	CIK     string `json:"cik,omitempty"`
	// Form is the SEC form as stated, such as 10-K or EX-99.1.
	Form string `json:"form"`
	// FilingDate and Period (the period end from dei:DocumentPeriodEndDate)
	// are ISO dates that order the filings of a company; either may be
	// empty.
	FilingDate string           `json:"filing_date,omitempty"`
	Period     string           `json:"period,omitempty"`
	Risks      []RiskRecord     `json:"risks"`
	Guidance   []GuidanceRecord `json:"guidance"`
}

// RiskRecord is a risk factor of a recorded filing.
type RiskRecord struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
	// BodyHash is the hex sha256 of the body text without page numbers and
	// "Table of Contents" lines, after lowercasing and normalising
	// whitespace, quote marks and dashes.
	BodyHash string `json:"body_hash"`
}

// GuidanceRecord is a guidance item of a recorded filing.
type GuidanceRecord struct {
	ID     string `json:"id"`
	Metric string `json:"metric"`
	Period string `json:"period"`
	Basis  string `json:"basis"`
	Unit   string `json:"unit"`
	// Low and High are unscaled as printed; Scale is their power of ten.
	Low   string `json:"low"`
	High  string `json:"high"`
	Scale int    `json:"scale"`
}

// CompanyKey returns the key that History files a filing under: "cik:"
// and the CIK without leading zeros, else "name:" and the company name
// lowercased with punctuation dropped, or "" when the filing names neither.
func CompanyKey(f schemas.Filing) string {
	if cik := strings.TrimLeft(strings.TrimSpace(f.CIK), "0"); cik != "" {
		return "cik:" + cik
	}
	var b strings.Builder
	for _, w := range strings.FieldsFunc(strings.ToLower(f.Company), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if b.Len() == 0 {
		return ""
	}
	return "name:" + b.String()
}

// FormFamily maps a form to the family that filings are compared within:
// 10-K (with 10-K405, 10-KT and amendments), 10-Q, 8-K (with EX-99
// exhibits, which carry earnings releases), else the form in upper case.
func FormFamily(form string) string {
	f := strings.ToUpper(strings.TrimSpace(form))
	switch {
	case strings.HasPrefix(f, "10-K"):
		return "10-K"
	case strings.HasPrefix(f, "10-Q"):
		return "10-Q"
	case strings.HasPrefix(f, "8-K"), strings.HasPrefix(f, "EX-99"):
		return "8-K"
	}
	return f
}

// before reports whether a was filed before b, and whether the two can be
// ordered at all: by period end when both have one and they differ, else by
// filing date.
func (a Snapshot) before(b Snapshot) (earlier, ok bool) {
	if a.Period != "" && b.Period != "" && a.Period != b.Period {
		return a.Period < b.Period, true
	}
	if a.FilingDate != "" && b.FilingDate != "" && a.FilingDate != b.FilingDate {
		return a.FilingDate < b.FilingDate, true
	}
	return false, false
}

// earlierSnapshots returns the snapshots filed before cur, latest first,
// without cur's own.
func earlierSnapshots(all []Snapshot, cur Snapshot) []Snapshot {
	var out []Snapshot
	for _, s := range all {
		if s.DocID == cur.DocID {
			continue
		}
		if earlier, ok := s.before(cur); ok && earlier {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		later, _ := out[j].before(out[i])
		return later
	})
	return out
}

// replaceSnapshot returns list with snap in place of the snapshot of the same
// DocID, or appended, keeping at most limit snapshots: the oldest go first.
func replaceSnapshot(list []Snapshot, snap Snapshot, limit int) []Snapshot {
	out := make([]Snapshot, 0, len(list)+1)
	for _, s := range list {
		if s.DocID != snap.DocID {
			out = append(out, s)
		}
	}
	out = append(out, snap)
	sort.SliceStable(out, func(i, j int) bool {
		earlier, _ := out[i].before(out[j])
		return earlier
	})
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

// DefaultHistoryLimit is the number of snapshots a history keeps per company
// when its limit is zero: about four years of one 10-K, three 10-Qs and four
// earnings releases a year.
const DefaultHistoryLimit = 32

// MemoryHistory is a History held in memory, for tests and single runs. The
// zero value is ready to use.
type MemoryHistory struct {
	// Limit is the number of snapshots kept per company. Default:
	// DefaultHistoryLimit.
	Limit int

	mu    sync.Mutex
	snaps map[string][]Snapshot
}

// Snapshots returns copies of the snapshots of the company.
func (h *MemoryHistory) Snapshots(_ context.Context, company string) ([]Snapshot, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Snapshot(nil), h.snaps[company]...), nil
}

// Record stores snap under CompanyKey of its fields.
func (h *MemoryHistory) Record(_ context.Context, snap Snapshot) error {
	key := CompanyKey(schemas.Filing{CIK: snap.CIK, Company: snap.Company})
	if key == "" {
		return ErrNoCompany
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.snaps == nil {
		h.snaps = map[string][]Snapshot{}
	}
	h.snaps[key] = replaceSnapshot(h.snaps[key], snap, limitOr(h.Limit))
	return nil
}

func limitOr(n int) int {
	if n <= 0 {
		return DefaultHistoryLimit
	}
	return n
}

// ErrNoCompany is returned by Record for a snapshot with neither a CIK nor a
// company name.
var ErrNoCompany = errors.New("passes: snapshot has no CIK and no company name")

// FileHistory is a History in a folder, one JSON file per company. Each
// write goes to a temporary file that is then renamed over the old one, so
// a reader never sees a partial file.
//
// NOTE: the lock that orders a company's read-modify-write is held in this
// process only. Two processes writing the same folder may lose one
// another's snapshots; give each extract worker its own folder, or run one.
type FileHistory struct {
	dir   string
	limit int

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// NewFileHistory opens the folder dir, creating it when missing. limit is the
// number of snapshots kept per company; 0 means DefaultHistoryLimit.
func NewFileHistory(dir string, limit int) (*FileHistory, error) {
	if dir == "" {
		return nil, errors.New("passes: history folder is empty")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("passes: create history folder: %w", err)
	}
	return &FileHistory{dir: dir, limit: limitOr(limit), locks: map[string]*sync.Mutex{}}, nil
}

// Dir returns the folder of the history.
func (h *FileHistory) Dir() string { return h.dir }

// path returns the file of a company key. Keys from a CIK keep their digits
// in the name; name keys are hashed, because company names hold characters
// that file systems reject.
func (h *FileHistory) path(company string) string {
	if cik, ok := strings.CutPrefix(company, "cik:"); ok && isDigits(cik) {
		return filepath.Join(h.dir, "cik-"+cik+".json")
	}
	sum := sha256.Sum256([]byte(company))
	return filepath.Join(h.dir, "key-"+hex.EncodeToString(sum[:8])+".json")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (h *FileHistory) lock(company string) *sync.Mutex {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.locks[company]
	if m == nil {
		m = &sync.Mutex{}
		h.locks[company] = m
	}
	return m
}

// historyFile is the JSON content of one company's file.
type historyFile struct {
	Company   string     `json:"company"`
	Snapshots []Snapshot `json:"snapshots"`
}

// Snapshots reads the company's file; a missing file means no snapshots.
func (h *FileHistory) Snapshots(ctx context.Context, company string) ([]Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := h.lock(company)
	m.Lock()
	defer m.Unlock()
	return h.read(company)
}

func (h *FileHistory) read(company string) ([]Snapshot, error) {
	path := h.path(company)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("passes: read history %s: %w", path, err)
	}
	var f historyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("passes: decode history %s: %w", path, err)
	}
	if f.Company != company {
		return nil, fmt.Errorf("passes: history %s is for company %q, want %q", path, f.Company, company)
	}
	return f.Snapshots, nil
}

// Record adds snap to its company's file, replacing a snapshot of the same
// DocID.
func (h *FileHistory) Record(ctx context.Context, snap Snapshot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := CompanyKey(schemas.Filing{CIK: snap.CIK, Company: snap.Company})
	if key == "" {
		return ErrNoCompany
	}
	m := h.lock(key)
	m.Lock()
	defer m.Unlock()
	list, err := h.read(key)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(historyFile{Company: key, Snapshots: replaceSnapshot(list, snap, h.limit)}, "", " ")
	if err != nil {
		return fmt.Errorf("passes: encode history of %s: %w", key, err)
	}
	return writeAtomic(h.path(key), data)
}

// writeAtomic writes data to a temporary file in the target's folder, syncs
// it and renames it over path.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*.tmp")
	if err != nil {
		return fmt.Errorf("passes: write history %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("passes: write history %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("passes: sync history %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("passes: close history %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("passes: replace history %s: %w", path, err)
	}
	return nil
}

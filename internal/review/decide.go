package review

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/finx-dev/finx/schemas"
)

// riskCategories is the risk taxonomy of schemas.Risk.Category.
var riskCategories = []string{"market", "credit", "liquidity", "operational", "supply_chain",
	"regulatory_legal", "cybersecurity", "competition", "macroeconomic", "geopolitical",
	"technology", "climate_esg", "other"}

// decimalPattern is the exact decimal form of values in the schemas.
var decimalPattern = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Limits of corrected text fields, in characters.
const (
	maxHeadingLen = 1000
	maxPeriodLen  = 100
	maxNoteLen    = 2000
)

// InvalidCorrectionError is a correction whose field value is rejected.
type InvalidCorrectionError struct {
	Field  string
	Value  string
	Reason string
}

func (e *InvalidCorrectionError) Error() string {
	return fmt.Sprintf("review: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// Decision is a reviewer's request on one item.
type Decision struct {
	Kind     string
	DocID    string
	ItemID   string
	Action   string
	Reviewer string
	Note     string
	// Version is the item version the reviewer saw. Required: a decision
	// on any other version fails with ErrStale.
	Version uint64
	// Fields are the corrected values by form field name. Metrics take
	// value, period_start and period_end, guidance low, high and period,
	// and risks heading and category. An empty value keeps the item's.
	Fields map[string]string
}

// Decide applies a decision: it checks the item version, builds the new
// version of the item and stores it with the decision row. It returns the
// stored decision.
func (s *Server) Decide(ctx context.Context, req Decision) (schemas.ReviewDecision, error) {
	if s.auth.readOnly() {
		return schemas.ReviewDecision{}, ErrReadOnly
	}
	if _, err := tableOf(req.Kind); err != nil {
		return schemas.ReviewDecision{}, err
	}
	if !docIDPattern.MatchString(req.DocID) || !itemIDPattern.MatchString(req.ItemID) {
		return schemas.ReviewDecision{}, fmt.Errorf("%w: invalid document or item id %q/%q", ErrNotFound, req.DocID, req.ItemID)
	}
	if !slices.Contains([]string{schemas.ActionAccept, schemas.ActionReject, schemas.ActionCorrect}, req.Action) {
		return schemas.ReviewDecision{}, &InvalidCorrectionError{Field: "action", Value: req.Action, Reason: "want accept, reject or correct"}
	}
	if req.Version == 0 {
		return schemas.ReviewDecision{}, &InvalidCorrectionError{Field: "version", Value: "0", Reason: "want the item version the reviewer saw"}
	}
	if utf8.RuneCountInString(req.Note) > maxNoteLen {
		return schemas.ReviewDecision{}, &InvalidCorrectionError{Field: "note", Value: req.Note[:40] + "...", Reason: fmt.Sprintf("longer than %d characters", maxNoteLen)}
	}

	s.decideMu.Lock()
	defer s.decideMu.Unlock()
	items, err := s.cfg.Store.Items(ctx, req.DocID)
	if err != nil {
		return schemas.ReviewDecision{}, err
	}
	var before *Item
	for i := range items {
		if items[i].Kind == req.Kind && items[i].ID() == req.ItemID {
			before = &items[i]
		}
	}
	if before == nil {
		return schemas.ReviewDecision{}, fmt.Errorf("%w: %s %s in document %s", ErrNotFound, req.Kind, req.ItemID, req.DocID)
	}
	if req.Version != before.Version {
		return schemas.ReviewDecision{}, fmt.Errorf("%w: %s %s is at version %d, the form was for %d", ErrStale, req.Kind, req.ItemID, before.Version, req.Version)
	}

	after := before.clone()
	switch req.Action {
	case schemas.ActionAccept:
		after.setStatus(schemas.StatusAccepted)
	case schemas.ActionReject:
		after.setStatus(schemas.StatusRejected)
	case schemas.ActionCorrect:
		if err := applyCorrection(&after, req.Fields); err != nil {
			return schemas.ReviewDecision{}, err
		}
		after.setStatus(schemas.StatusAccepted)
	}
	now := s.cfg.Now().UTC()
	// The new version must sort after the one decided on, even when the
	// clock is behind the extraction time.
	after.Version = max(uint64(now.UnixNano()), before.Version+1)

	beforeJSON, err := before.MarshalItem()
	if err != nil {
		return schemas.ReviewDecision{}, err
	}
	afterJSON, err := after.MarshalItem()
	if err != nil {
		return schemas.ReviewDecision{}, err
	}
	d := schemas.ReviewDecision{
		SchemaVersion: schemas.SchemaVersion,
		DecisionID:    randomHex(16),
		DocID:         req.DocID,
		Kind:          req.Kind,
		ItemID:        req.ItemID,
		Action:        req.Action,
		Reviewer:      req.Reviewer,
		Before:        beforeJSON,
		After:         afterJSON,
		Note:          req.Note,
		Provider:      before.Provider(),
		DecidedAt:     now,
	}
	if err := s.cfg.Store.Decide(ctx, d, after); err != nil {
		return schemas.ReviewDecision{}, err
	}
	s.metrics.decided(d)
	s.log.InfoContext(ctx, "review decision stored", "doc_id", d.DocID, "kind", d.Kind, "item_id", d.ItemID,
		"action", d.Action, "reviewer", d.Reviewer, "decision_id", d.DecisionID, "version", after.Version)
	return d, nil
}

// applyCorrection sets the corrected fields on the item. It fails when a
// value is invalid or when nothing changes.
func applyCorrection(it *Item, fields map[string]string) error {
	changed := false
	set := func(dst *string, field string, check func(string) string) error {
		v := strings.TrimSpace(fields[field])
		if v == "" || v == *dst {
			return nil
		}
		if reason := check(v); reason != "" {
			return &InvalidCorrectionError{Field: field, Value: v, Reason: reason}
		}
		*dst = v
		changed = true
		return nil
	}
	var errs []error
	switch {
	case it.Risk != nil:
		errs = append(errs,
			set(&it.Risk.Heading, "heading", maxLength(maxHeadingLen)),
			set(&it.Risk.Category, "category", func(v string) string {
				if !slices.Contains(riskCategories, v) {
					return "want one of " + strings.Join(riskCategories, ", ")
				}
				return ""
			}))
	case it.Metric != nil:
		m := it.Metric
		errs = append(errs,
			set(&m.Value, "value", checkDecimal),
			set(&m.PeriodStart, "period_start", checkDate),
			set(&m.PeriodEnd, "period_end", checkDate))
		if m.PeriodStart != "" && m.PeriodEnd != "" {
			if m.PeriodStart > m.PeriodEnd {
				errs = append(errs, &InvalidCorrectionError{Field: "period_start", Value: m.PeriodStart, Reason: "after period_end " + m.PeriodEnd})
			}
			m.PeriodType = "duration"
		} else if m.PeriodEnd != "" && m.PeriodType == "unknown" {
			m.PeriodType = "instant"
		}
	case it.Guidance != nil:
		g := it.Guidance
		errs = append(errs,
			set(&g.Low, "low", checkDecimal),
			set(&g.High, "high", checkDecimal),
			set(&g.Period, "period", maxLength(maxPeriodLen)))
		if lessDecimal(g.High, g.Low) {
			errs = append(errs, &InvalidCorrectionError{Field: "high", Value: g.High, Reason: "below low " + g.Low})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if !changed {
		return &InvalidCorrectionError{Field: "correction", Reason: "no field changes the item; use accept instead"}
	}
	return nil
}

func maxLength(n int) func(string) string {
	return func(v string) string {
		if utf8.RuneCountInString(v) > n {
			return fmt.Sprintf("longer than %d characters", n)
		}
		return ""
	}
}

// Limits of the Decimal(38, 6) columns that store metric values and
// guidance bounds: 32 digits before the decimal point and 6 after.
const (
	maxIntegerDigits  = 32
	maxFractionDigits = 6
)

// checkDecimal returns why v is not an exact decimal that fits Decimal(38, 6),
// or "" when it fits. Leading zeros of the integer part do not count.
func checkDecimal(v string) string {
	if !decimalPattern.MatchString(v) {
		return "want an exact decimal such as 1250000 or -0.35, without separators"
	}
	integer, fraction, _ := strings.Cut(strings.TrimPrefix(v, "-"), ".")
	if n := len(strings.TrimLeft(integer, "0")); n > maxIntegerDigits {
		return fmt.Sprintf("%d digits before the decimal point, the maximum is %d", n, maxIntegerDigits)
	}
	if len(fraction) > maxFractionDigits {
		return fmt.Sprintf("%d digits after the decimal point, the maximum is %d", len(fraction), maxFractionDigits)
	}
	return ""
}

func checkDate(v string) string {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return "want an ISO date YYYY-MM-DD"
	}
	return ""
}

// lessDecimal reports whether a < b, compared exactly as rational numbers.
// It returns false when either is not a decimal.
func lessDecimal(a, b string) bool {
	if !decimalPattern.MatchString(a) || !decimalPattern.MatchString(b) {
		return false
	}
	x, okX := new(big.Rat).SetString(a)
	y, okY := new(big.Rat).SetString(b)
	return okX && okY && x.Cmp(y) < 0
}

// maxDecisionForm is the largest decision form accepted, in bytes.
const maxDecisionForm = 1 << 20

// correctionFields are the form fields a correction may set.
var correctionFields = []string{"heading", "category", "value", "period_start", "period_end", "low", "high", "period"}

func (s *Server) handleDecide(w http.ResponseWriter, r *http.Request) {
	if s.auth.readOnly() {
		s.fail(w, r, http.StatusForbidden, ErrReadOnly.Error(), nil)
		return
	}

	if !s.parseForm(w, r, maxDecisionForm) {
		return
	}
	sess := s.auth.session(r)
	if sess == nil {
		s.fail(w, r, http.StatusUnauthorized, "log in with the review token to take decisions", nil)
		return
	}
	if !sess.checkCSRF(r) {
		s.log.WarnContext(r.Context(), "decision rejected: invalid CSRF token", "reviewer", sess.reviewer)
		s.fail(w, r, http.StatusForbidden, "missing or invalid CSRF token; reload the page and try again", nil)
		return
	}

	v := r.PostFormValue("version")
	version, err := strconv.ParseUint(v, 10, 64)
	if err != nil || version == 0 {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("missing or invalid version %q: want the item version from the form; reload the page and try again", v), err)
		return
	}
	req := Decision{
		Kind:     r.PostFormValue("kind"),
		DocID:    r.PostFormValue("doc_id"),
		ItemID:   r.PostFormValue("item_id"),
		Action:   r.PostFormValue("action"),
		Reviewer: sess.reviewer,
		Note:     strings.TrimSpace(r.PostFormValue("note")),
		Version:  version,
		Fields:   make(map[string]string),
	}
	for _, f := range correctionFields {
		req.Fields[f] = r.PostFormValue(f)
	}

	d, err := s.Decide(r.Context(), req)
	var invalid *InvalidCorrectionError
	switch {
	case err == nil:
	case errors.Is(err, ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "no such item", err)
		return
	case errors.Is(err, ErrStale):
		s.fail(w, r, http.StatusConflict, "the item changed since this page was loaded; reload it and decide again", err)
		return
	case errors.As(err, &invalid), errors.Is(err, ErrInvalidKind):
		s.fail(w, r, http.StatusBadRequest, err.Error(), err)
		return
	default:
		s.fail(w, r, http.StatusInternalServerError, "the decision could not be stored", err)
		return
	}

	http.Redirect(w, r, localReturn(r.PostFormValue("return"), "/review")+"#"+d.Kind+"-"+d.ItemID, http.StatusSeeOther)
}

// localReturn returns target when it is a path on this server, else
// fallback, so that a form cannot redirect to another site.
func localReturn(target, fallback string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return fallback
	}
	u.Fragment = ""
	return u.String()
}

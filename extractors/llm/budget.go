package llm

import (
	"math/big"
	"sync"
)

// budget caps the cost of the calls of one provider, which is one run of
// finx. Before a call it reserves an upper bound of the call's cost, so that
// concurrent calls cannot together overrun the limit, and after the call it
// replaces the reservation with the actual cost.
// NOTE: the bound assumes at most one billed attempt per call. When the API
// returns empty content and the client retries, the retry is billed too.
// The total can then pass the limit by the cost of those retries, and no
// call starts after that.
type budget struct {
	// limit is nil for no limit.
	limit *big.Rat

	mu        sync.Mutex
	spent     *big.Rat
	reserved  *big.Rat
	exhausted bool
}

func newBudget(limit string) *budget {
	b := &budget{spent: new(big.Rat), reserved: new(big.Rat)}
	if limit != "" {
		b.limit = rat(limit)
	}
	return b
}

// reserve books bound for a call and reports whether it fits. Once a
// reservation has not fit, every later one fails too, so that the run stops
// calling instead of squeezing small calls into the remainder.
func (b *budget) reserve(bound *big.Rat) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit == nil {
		return true
	}
	if b.exhausted {
		return false
	}
	total := new(big.Rat).Add(b.spent, b.reserved)
	total.Add(total, bound)
	if total.Cmp(b.limit) > 0 {
		b.exhausted = true
		return false
	}
	b.reserved.Add(b.reserved, bound)
	return true
}

// settle replaces a reservation of bound with the actual cost. bound is nil
// for a call that reserved nothing.
func (b *budget) settle(bound, actual *big.Rat) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if bound != nil && b.limit != nil {
		b.reserved.Sub(b.reserved, bound)
	}
	b.spent.Add(b.spent, actual)
}

// spentUSD returns the cost so far as an exact decimal string.
func (b *budget) spentUSD() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return formatUSD(b.spent)
}

package llm

// EstimateTokens estimates the tokens of s as one per four bytes, which
// holds on average for English text under the byte-pair encodings of
// DeepSeek and OpenAI models. It is an estimate, used to compare what a pass
// sends with the whole document, never to bill.
func EstimateTokens(s string) int {
	return (len(s) + 3) / 4
}

package llm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/finx-dev/finx/schemas"
)

// Cache stores valid model replies on disk, so that a second run over the
// same documents makes no calls. An entry is keyed by the SHA-256 of the
// model, PromptVersion, schemas.SchemaVersion, the output limit and the
// exact system and user messages, so a change to any of them misses. Entries
// that cannot be read or do not match their key are ignored, and the next
// valid reply overwrites them. Cache is safe for concurrent use, also by
// several processes, because entries are written to a temporary file and
// renamed into place.
type Cache struct {
	dir string
}

// DefaultCacheDir returns finx/llm under the user cache folder, such as
// ~/.cache/finx/llm on Linux.
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("llm: no user cache folder: %w; set the cache folder explicitly", err)
	}
	return filepath.Join(base, "finx", "llm"), nil
}

// OpenCache creates dir if needed and returns a cache stored in it.
func OpenCache(dir string) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("llm: empty cache folder")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("llm: open cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir returns the cache folder.
func (c *Cache) Dir() string { return c.dir }

// cacheEntry is the JSON stored per key.
type cacheEntry struct {
	Key           string    `json:"key"`
	Model         string    `json:"model"`
	PromptVersion string    `json:"prompt_version"`
	Content       string    `json:"content"`
	StoredAt      time.Time `json:"stored_at"`
}

// cacheKey returns the hex SHA-256 of every input that shapes a reply.
func cacheKey(model string, maxTokens int, system, user string) string {
	h := sha256.New()
	for _, part := range []string{"finx llm cache", model, PromptVersion, strconv.Itoa(schemas.SchemaVersion), strconv.Itoa(maxTokens), system, user} {
		// A length prefix keeps ("ab", "c") and ("a", "bc") apart.
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns the content stored under key. A missing, unreadable or
// mismatched entry returns false.
func (c *Cache) get(key string) (string, bool) {
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return "", false
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil || e.Key != key || e.Content == "" {
		return "", false
	}
	return e.Content, true
}

// put stores content under key, replacing any entry.
func (c *Cache) put(key, model, content string, now time.Time) error {
	b, err := json.Marshal(cacheEntry{Key: key, Model: model, PromptVersion: PromptVersion, Content: content, StoredAt: now.UTC()})
	if err != nil {
		return fmt.Errorf("llm: cache entry %s: %w", key, err)
	}
	path := c.path(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("llm: cache entry %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), key+".*.tmp")
	if err != nil {
		return fmt.Errorf("llm: cache entry %s: %w", key, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("llm: write cache entry %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("llm: write cache entry %s: %w", key, err)
	}
	return nil
}

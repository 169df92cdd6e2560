// Command gen writes the JSON Schema files of package schemas into
// schemas/json. Run it with go generate ./schemas from the module root.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/finx-dev/finx/schemas"
)

func main() {
	files, err := schemas.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for name, data := range files {
		path := filepath.Join("json", name+".schema.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

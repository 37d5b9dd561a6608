// kindcheck loads kind config files with kind's own loader and validator, so tests can check the
// configs Kindling generates without Docker (`kind create cluster` decodes the file strictly but
// only validates it after it has talked to Docker).
//
// kind's loader lives under sigs.k8s.io/kind/pkg/internal. Go's internal-package rule is by import
// path, so this module is named under sigs.k8s.io/kind/pkg/ to be allowed to import it. That is a
// test-only trick: nothing here ships in the extension.
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/kind/pkg/internal/apis/config/encoding"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kindcheck CONFIG.yaml...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		cfg, err := encoding.Load(path)
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			fmt.Printf("INVALID %s: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("OK %s: %d node(s), image %s\n", path, len(cfg.Nodes), cfg.Nodes[0].Image)
	}
	if failed {
		os.Exit(1)
	}
}

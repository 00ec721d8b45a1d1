package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/dedup"
)

func init() {
	cmd := &cobra.Command{
		Use:     "dedup --in FILE.jsonl [--out FILE.jsonl]",
		Short:   "Cluster a JSONL corpus of Articles offline; one Assignment per input line, in input order",
		Example: `  syndex dedup --in articles.jsonl --out assignments.jsonl`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			in, _ := cmd.Flags().GetString("in")
			out, _ := cmd.Flags().GetString("out")
			if in == "" {
				return usagef("dedup: --in FILE.jsonl is required")
			}
			r, closeIn, err := input(in)
			if err != nil {
				return err
			}
			defer closeIn()
			w, closeOut, err := output(out)
			if err != nil {
				return err
			}
			st, runErr := dedup.Run(cmd.Context(), r, w, dedup.DefaultConfig())
			if err := closeOut(); err != nil && runErr == nil {
				runErr = err
			}
			if runErr != nil {
				return fmt.Errorf("dedup %s: %w", in, runErr)
			}
			if out != "" {
				fmt.Fprintf(os.Stderr, "%+v\n", st)
			}
			return nil
		},
	}
	cmd.Flags().String("in", "", "input Articles, JSONL (- for stdin)")
	cmd.Flags().String("out", "", "output Assignments, JSONL (default stdout)")
	rootCmd.AddCommand(cmd)
}

package main

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/config"
)

// configArchive loads --config (or the defaults), lets the file's data
// directory stand in for --data, and returns the archive options it sets.
func configArchive(cmd *cobra.Command) (*config.Config, archive.Options, error) {
	c, err := loadConfig(cmd)
	if err != nil {
		return nil, archive.Options{}, err
	}
	if c.Data != "" && !cmd.Flags().Changed("data") && os.Getenv("SYNDEX_DATA") == "" {
		cmd.Flags().Set("data", c.Data)
	}
	d := fileDedupConfig(c)
	return c, archive.Options{Dedup: &d}, nil
}

// durationFlag returns a duration flag's value when the user set it.
func durationFlag(cmd *cobra.Command, name string) (time.Duration, bool) {
	if !cmd.Flags().Changed(name) {
		return 0, false
	}
	d, _ := cmd.Flags().GetDuration(name)
	return d, true
}

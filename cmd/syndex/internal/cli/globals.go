package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/syndex/syndex/archive"
	"github.com/syndex/syndex/config"
)

// Globals are the options every command takes (README "Commands"):
// the archive directory, the configuration file and the log level.
type Globals struct {
	Data     string
	Config   string
	LogLevel string

	DataSet, LogLevelSet bool // --data and --log-level were given
}

// AddFlags defines the global flags on f (the root's persistent flags).
func (g *Globals) AddFlags(f *pflag.FlagSet) {
	StringVarGiven(f, &g.Data, &g.DataSet, "data", "", "archive directory (default $SYNDEX_DATA, else the configuration's data:, else ./syndex-data)")
	f.StringVar(&g.Config, "config", "", "configuration file (YAML; default $SYNDEX_CONFIG, else ./syndex.yaml when present); flags override it")
	StringVarGiven(f, &g.LogLevel, &g.LogLevelSet, "log-level", "warn", "log level: debug, info, warn, error")
}

// SetupLogging sets the default logger to --log-level.
func (g *Globals) SetupLogging() error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(g.LogLevel)); err != nil {
		return Usagef("--log-level %q: want debug, info, warn or error", g.LogLevel)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l})))
	return nil
}

// DataDir resolves the archive directory: --data, $SYNDEX_DATA, ./syndex-data.
func (g *Globals) DataDir() string {
	if g.Data != "" {
		return g.Data
	}
	if d := os.Getenv("SYNDEX_DATA"); d != "" {
		return d
	}
	return "syndex-data"
}

// OpenArchive opens the archive named by --data for writing, with opt.
func (g *Globals) OpenArchive(ctx context.Context, opt archive.Options) (*archive.Archive, error) {
	return archive.Open(ctx, g.DataDir(), opt)
}

// ConfigArchive loads --config (or the defaults), lets the file's data
// directory stand in for --data, and returns the archive options it sets.
func (g *Globals) ConfigArchive() (*config.Config, archive.Options, error) {
	c, err := g.LoadConfig()
	if err != nil {
		return nil, archive.Options{}, err
	}
	g.UseConfigData(c)
	opt, err := c.ForArchive()
	return c, opt, AsUsage(err)
}

// DefaultConfigFile is the configuration every command reads when neither
// --config nor $SYNDEX_CONFIG names one and it exists in the working
// directory.
const DefaultConfigFile = "syndex.yaml"

// ConfigEnv names a configuration file when --config is not given.
const ConfigEnv = "SYNDEX_CONFIG"

// ConfigPath is the one discovery rule of every command: --config FILE,
// else $SYNDEX_CONFIG, else ./syndex.yaml when it exists, else none (the
// built-in defaults). named reports whether the user named the file
// (flag or environment), so that a missing named file is an error while a
// missing ./syndex.yaml is not.
func (g *Globals) ConfigPath() (path string, named bool) {
	if p := g.Config; p != "" {
		return p, true
	}
	if p := os.Getenv(ConfigEnv); p != "" {
		return p, true
	}
	if _, err := os.Stat(DefaultConfigFile); err == nil {
		return DefaultConfigFile, false
	}
	return "", false
}

// withoutConfig lists the commands that read no configuration: they work
// the same anywhere, whatever ./syndex.yaml says (the demo builds its own
// archive; config check reads the file it is given).
var withoutConfig = map[string]bool{
	"syndex demo": true, "syndex version": true, "syndex config": true,
	"syndex help": true, "syndex completion": true, "syndex man": true,
}

// ResolveConfig applies the discovered configuration's archive directory
// to every command that reads configuration (flags and $SYNDEX_DATA still
// win), and stops a command whose configuration is broken before it
// starts. It runs before every command.
func (g *Globals) ResolveConfig(cmd *cobra.Command) error {
	for c := cmd; c != nil; c = c.Parent() {
		if withoutConfig[c.CommandPath()] {
			return nil
		}
	}
	if cmd.Flags().Lookup("data") == nil {
		return nil
	}
	c, err := g.LoadConfig()
	if err != nil {
		return err
	}
	g.UseConfigData(c)
	return nil
}

// UseConfigData lets the configuration's data directory stand in for
// --data when neither the flag nor $SYNDEX_DATA names one; it then counts
// as given (as eval lookup reads it).
func (g *Globals) UseConfigData(c *config.Config) {
	if c.Data != "" && !g.DataSet && os.Getenv("SYNDEX_DATA") == "" {
		g.Data, g.DataSet = c.Data, true
	}
}

// LoadConfig returns the configuration ConfigPath finds, or the defaults
// when there is none. A bad file, or a missing one the user named, is a
// usage error (exit 2).
func (g *Globals) LoadConfig() (*config.Config, error) {
	path, named := g.ConfigPath()
	if path == "" {
		return config.Default(), nil
	}
	if !named {
		slog.Info("using the configuration in the working directory", "file", path)
	}
	if _, err := os.Stat(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, AsUsage(fmt.Errorf("config file %s: %w", path, err))
	}
	c, err := config.Load(path)
	return c, AsUsage(err)
}

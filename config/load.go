package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads, decodes and validates a config file. Fields the file does not
// set keep their Default values. Every mistake (YAML syntax, unknown field,
// wrong type, invalid value) is reported as an *Error whose problems name
// the file, line and field.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("config file %s does not exist", path)
		}
		return nil, fmt.Errorf("read config file %s: %w", path, err)
	}
	c, err := Parse(path, b)
	if err != nil {
		return nil, err
	}
	if c.Data != "" && !filepath.IsAbs(c.Data) {
		c.Data = filepath.Join(filepath.Dir(path), c.Data)
	}
	return c, nil
}

// Parse decodes and validates config text; name is used in messages.
// Unlike Load it leaves a relative Data as written.
func Parse(name string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &Error{Problems: []*FieldError{syntaxError(name, err)}}
	}
	c := Default()
	d := &decoder{file: name, lines: map[string]int{}}
	if len(root.Content) > 0 {
		d.decode(root.Content[0], reflect.ValueOf(c).Elem(), "")
	}
	// Validate even after decoding problems, so one run of `config check`
	// lists every mistake; fields that failed to decode keep valid defaults.
	problems := d.problems
	if err := c.Validate(); err != nil {
		e, ok := asError(err)
		if !ok {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range e.Problems {
			if !d.failed(p.Field) {
				p.File = name
				p.Line = d.lineOf(p.Field)
				problems = append(problems, p)
			}
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, &Error{Problems: problems}
	}
	return c, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

// syntaxError turns a YAML parser error into a FieldError with its line.
func syntaxError(name string, err error) *FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &FieldError{File: name, Line: n, Problem: "YAML syntax: " + m[2]}
	}
	return &FieldError{File: name, Problem: "YAML syntax: " + msg}
}

// decoder walks a YAML node tree into a Go value, strictly, collecting
// every problem and remembering the line of every field it sets.
type decoder struct {
	file     string
	problems []*FieldError
	lines    map[string]int
}

func (d *decoder) fail(n *yaml.Node, field, format string, args ...any) {
	d.problems = append(d.problems, &FieldError{File: d.file, Line: n.Line, Field: field,
		Problem: fmt.Sprintf(format, args...)})
}

// failed reports whether decoding field, or a field inside it, failed.
func (d *decoder) failed(field string) bool {
	for _, p := range d.problems {
		if p.Field == field || strings.HasPrefix(p.Field, field+".") || strings.HasPrefix(p.Field, field+"[") {
			return true
		}
	}
	return false
}

// lineOf finds the line of a field, or of its nearest ancestor in the file.
func (d *decoder) lineOf(field string) int {
	for f := field; f != ""; {
		if l, ok := d.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var scalarType = reflect.TypeFor[scalar]()

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if isNull(n) {
		return // an empty value keeps the default
	}
	if v.CanAddr() && v.Addr().Type().Implements(scalarType) {
		d.decodeScalar(n, v.Addr().Interface().(scalar), path)
		return
	}
	d.decodeKind(n, v, path)
}

// decodeKind decodes n into v by v's kind: a struct, list, map, pointer or
// basic value.
func (d *decoder) decodeKind(n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		d.decode(n, e.Elem(), path)
		v.Set(e)
	default:
		if problem := setBasic(n, v); problem != "" {
			d.fail(n, path, "%s", problem)
		}
	}
}

// decodeScalar decodes a value of a type that parses itself (a duration,
// a size, a schedule).
func (d *decoder) decodeScalar(n *yaml.Node, s scalar, path string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected a single value, got %s", kindName(n))
		return
	}
	if err := s.parseScalar(n.Value); err != nil {
		d.fail(n, path, "%v", err)
	}
}

// decodeSlice decodes a list; an item's field path is path[i].
func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, got %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.lines[p] = item.Line
		d.decode(item, s.Index(i), p)
	}
	v.Set(s)
}

// basicWant says what a YAML value for a field of each basic kind must be.
var basicWant = map[reflect.Kind]string{
	reflect.String: "a string", reflect.Bool: "true or false",
	reflect.Int: "an integer", reflect.Int64: "an integer", reflect.Int32: "an integer",
	reflect.Float64: "a number",
}

// setBasic sets a string, bool, integer or float field from n, or says
// what is wrong with n.
func setBasic(n *yaml.Node, v reflect.Value) (problem string) {
	want, ok := basicWant[v.Kind()]
	if !ok {
		return fmt.Sprintf("unsupported field type %s", v.Type())
	}
	if !basicFits(n, v) {
		return "expected " + want + ", got " + kindName(n)
	}
	return ""
}

// basicFits sets the basic field v from n when n is a scalar of v's kind,
// and reports whether it was.
func basicFits(n *yaml.Node, v reflect.Value) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
		return true
	case reflect.Bool:
		return boolFits(n, v)
	case reflect.Float64:
		return floatFits(n, v)
	}
	return intFits(n, v)
}

// boolFits sets the bool v from the scalar n when n is a boolean.
func boolFits(n *yaml.Node, v reflect.Value) bool {
	var b bool
	if n.Tag != "!!bool" || n.Decode(&b) != nil {
		return false
	}
	v.SetBool(b)
	return true
}

// floatFits sets the float v from the scalar n when n is a number.
func floatFits(n *yaml.Node, v reflect.Value) bool {
	var f float64
	if (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&f) != nil {
		return false
	}
	v.SetFloat(f)
	return true
}

// intFits sets the integer v from the scalar n when n is an integer that
// v holds.
func intFits(n *yaml.Node, v reflect.Value) bool {
	var i int64
	if n.Tag != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
		return false
	}
	v.SetInt(i)
	return true
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping of fields, got %s", kindName(n))
		return
	}
	fields := map[string]int{}
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" && t.Field(i).IsExported() {
			fields[tag] = i
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		idx, ok := fields[k.Value]
		if !ok {
			d.fail(k, p, "unknown field (known fields%s: %s)", where(path), strings.Join(sortedKeys(fields), ", "))
			continue
		}
		if seen[k.Value] {
			d.fail(k, p, "set twice")
			continue
		}
		seen[k.Value] = true
		d.lines[p] = k.Line
		d.decode(val, v.Field(idx), p)
	}
}

// decodeMap decodes a mapping with string keys (site names, say); an
// entry's field path is path["key"].
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if v.Type().Key().Kind() != reflect.String {
		d.fail(n, path, "unsupported field type %s", v.Type())
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping, got %s", kindName(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "expected a single value as key, got %s", kindName(k))
			continue
		}
		key := k.Value
		if isNull(k) {
			key = ""
		}
		p := fmt.Sprintf("%s[%q]", path, key)
		if seen[key] {
			d.fail(k, p, "set twice")
			continue
		}
		seen[key] = true
		d.lines[p] = k.Line
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, e, p)
		m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), e)
	}
	v.Set(m)
}

func where(path string) string {
	if path == "" {
		return " at the top level"
	}
	return " of " + path
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

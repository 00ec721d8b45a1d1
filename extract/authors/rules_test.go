package authors

import (
	"testing"
)

// TestCleanBylineRules covers the byline clean-up rules one by one.
func TestCleanBylineRules(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"handle with digits is no year", "Dezember 10, 2019 · von jdoe1984 · in Allgemein", "jdoe1984"},
		{"a year still ends the name", "Jane Doe 2019", "Jane Doe"},
		{"forum profile link printed twice", "Zum Profil von jesusfreak jesusfreak", "jesusfreak"},
		{"label glued to its by-word", "Beitragvon jdoe1984", "jdoe1984"},
		{"label glued to its by-word before a name", "Beitragvon Jane Doe", "Jane Doe"},
		{"a name spelt with von is kept", "Ursula von der Leyen", "Ursula von der Leyen"},
		{"a doubled-looking name that is not repeated whole", "Jane Jane Doe", "Jane Jane Doe"},
		{"repeated initials are a name", "Von R. R. am 12.02.2014", "R. R."},
		{"a user name ending in digits before a date stays whole", "von Marianne1 Mai 2019", "Marianne1"},
		{"a handle ending in digits stays", "by jdoe84", "jdoe84"},
		{"an update note is no name", "Last Updated: January 7, 2025", ""},
		{"a navigation box title is no name", "Authority control", ""},
		{"weekday glued to the name", "Jane DoeDo 9 Apr 2020", "Jane Doe"},
		{"weekday glued, English", "Jane DoeMon 3 May 2021", "Jane Doe"},
		{"category fragment", "in Uncategorized", ""},
		{"sentence fragment", "deinen Hochzeitsbloggern", ""},
		{"lower-case user name kept", "jane doe", "jane doe"},
		{"particle first kept", "de la Cruz", "de la Cruz"},
		{"licence note", "CC Attribution", ""},
		{"bare plural label", "Auteur(s)", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanByline(tc.in); got != tc.want {
				t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestCleanBylineDescriptions covers descriptions and codes after names.
func TestCleanBylineDescriptions(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Autor: Max Muster (Sponsored Post), Redner bei example.org", "Max Muster"},
		{"Jane Doe, photographer from Hamburg and founder of a studio", "Jane Doe"},
		{"Jane Doe (avec John Roe)", "Jane Doe (avec John Roe)"},
		{"Jane Doe, John Roe and Max Muster", "Jane Doe, John Roe and Max Muster"},
		{"KB3075249", ""},
		{"user2019x", "user2019x"},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanBylineJobTitles covers job titles written after a comma.
func TestCleanBylineJobTitles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"By Jane Doe, Senior Staff Technologist, Example Speech and Technology Project", "Jane Doe"},
		{"Max Muster, Pressesprecher der Stadt", "Max Muster"},
		{"Jane Doe, John Roe", "Jane Doe, John Roe"},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCleanBylineGluedAndCredits covers text glued to names by markup,
// initials codes and picture credits.
func TestCleanBylineGluedAndCredits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ByJane DoeLifestyle Writer 14:00, 28 Apr 2024 | comments", "Jane Doe"},
		{"Jane DoeFollow Coach for new work", "Jane Doe"},
		{"Autor: Max MusterQuelle: Example", "Max Muster"},
		{"Ronald McDonald", "Ronald McDonald"},
		{"Jane Doe (jd)", "Jane Doe"},
		{"Max Muster (mmu.)", "Max Muster"},
		{"(Image: Agency Images/Stock)", ""},
		{"Foto: Max Muster", ""},
	}
	for _, tc := range tests {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCopyrightHolder covers the copyright line rule.
func TestCopyrightHolder(t *testing.T) {
	tests := []struct{ in, want string }{
		{"© 2019 Jane Doe", "Jane Doe"},
		{"Copyright (c) 2012- Jane Doe. All rights reserved. Design by Templates.", "Jane Doe"},
		{"(c) Max Muster • Weitere Rechte siehe Impressum", "Max Muster"},
		{"© since 2010 by Max Muster", "Max Muster"},
		{"© 2024 Example Media GmbH", ""},
		{"© 2024 Daily Planet Publishing Company. All rights reserved.", ""},
		{"© 2024 Example", ""},
		{"Copyright laws protect this text in many countries", ""},
	}
	for _, tc := range tests {
		if got := copyrightHolder(tc.in); got != tc.want {
			t.Errorf("copyrightHolder(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCopyrightHolderRefusals covers copyright lines that name no person.
func TestCopyrightHolderRefusals(t *testing.T) {
	for _, in := range []string{
		"© Provided by The Daily Planet",
		"© 2020 EXAMPLE Schweiz",
		"© 2021 Example A/S",
		"© 2021 The Big Example",
		"© 2022 Deutsches Example Forum",
	} {
		if got := copyrightHolder(in); got != "" {
			t.Errorf("copyrightHolder(%q) = %q, want none", in, got)
		}
	}
	for in, want := range map[string]bool{"© 2019 Jane Doe": true, "© Agency Images": false, "(c) Jane Doe • Weitere Rechte siehe Impressum": true} {
		if got := copyrightRE.MatchString(in) && copyrightFooterRE.MatchString(in); got != want {
			t.Errorf("copyright footer %q = %v, want %v", in, got, want)
		}
	}
}

// TestBylineGlueOutletRole covers an outlet name glued to a role.
func TestBylineGlueOutletRole(t *testing.T) {
	if got := cleanByline("By Jane Doe ExampleVoice Staff"); got != "Jane Doe" {
		t.Errorf("got %q", got)
	}
}

// TestBylinePlaceOrOutlet covers a place or outlet after the name.
func TestBylinePlaceOrOutlet(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Von Erika Muster, Frankfurt", "Erika Muster"},
		{"von Max Muster, EXAMPLE TV", "Max Muster"},
		{"Jane Doe, John Roe", "Jane Doe, John Roe"},
		{"Doe, Jane", "Doe, Jane"},
		{"Jane Doe und John Roe, Berlin", "Jane Doe und John Roe, Berlin"},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDatedNameLine covers meta lines of a date and a name.
func TestDatedNameLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"04.02.2022 | 13:10 Uhr | Erika Muster", true},
		{"25.10.2022 - Max Muster", true},
		{"05.02.2020 - Redaktion: Max Muster (Pressesprecher des Vereins)", true},
		{"25.10.2022 - Weitere Informationen", false},
		{"25.10.2022 - Politik", false},
		{"Max Muster - 25.10.2022", false},
		{"12 Tipps - Max Muster", false},
	} {
		if got := datedNameLine(tc.in); got != tc.want {
			t.Errorf("datedNameLine(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"05.02.2020 - Redaktion: Max Muster (Pressesprecher des Vereins)", "Max Muster"},
		{"04.02.2022 | 13:10 Uhr | Erika Muster", "Erika Muster"},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAccountsAndSuffixes covers generic accounts, obfuscated e-mail addresses and agency codes after a slash.
func TestAccountsAndSuffixes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Jane Doe/AP", "Jane Doe"},
		{"Jane Doe/AB-C", "Jane Doe"},
		{"jd/AP", "jd/AP"},
		{"jane[at]example.org", ""},
	} {
		if got := cleanByline(tc.in); got != tc.want {
			t.Errorf("cleanByline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

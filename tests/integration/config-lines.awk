# Helpers for test-config-errors.sh, on vpdnd config files (libconfuse
# syntax). Run with -v mode=...:
#   points   print the lines before which a new statement may be inserted
#            (not inside a string, a C comment, a list or a pending value)
#   slash    rewrite every # comment as a // comment
#   block    rewrite # comments as C comments, a run of comment lines as one
#            multi-line /* ... */
#   top      the insertion points outside any section
#   sections "OPEN CLOSE" of each top-level section spanning several lines
# Strings in double quotes are skipped; the shipped configs use no others.
function code_part(s,    i, c, q) {
	# the text of s before its # comment, outside "..." strings
	q = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q && c == "\\") { i++; continue }
		if (c == "\"") q = !q
		else if (!q && c == "#") return substr(s, 1, i - 1)
	}
	return s
}
function scan(s,    i, c, t) {
	# track open lists and whether a value is pending, over code text s
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (instr) { if (c == "\\") i++; else if (c == "\"") { instr = 0; last = "v" } ; continue }
		if (inblock) { if (substr(s, i, 2) == "*/") { inblock = 0; i++ } ; continue }
		if (substr(s, i, 2) == "/*") { inblock = 1; i++; continue }
		if (substr(s, i, 2) == "//") return
		if (c == "\"") { instr = 1; continue }
		if (c == " " || c == "\t") continue
		if (c == "{") { stack[++sp] = (last == "=") ? "list" : "sec"; if (stack[sp] == "list") lists++; else if (sp == 1) opened = NR; last = "{"; continue }
		if (c == "}") { if (sp > 0 && stack[sp] == "list") lists--; else if (sp == 1 && NR > opened + 2) print opened, NR > "/dev/stderr"; sp--; last = "}"; continue }
		if (c == "=") { last = "="; continue }
		if (c == ",") { last = ","; continue }
		last = "v"
	}
}
mode == "points" || mode == "top" || mode == "sections" {
	t = $0; sub(/^[ \t]+/, "", t)
	if (mode != "sections" && !instr && !inblock && lists == 0 && last != "=" && last != "," &&
	    (t == "" || t ~ /^(#|\/\/|\/\*|\}|[A-Za-z])/) && (mode == "points" || sp == 0))
		print NR
	scan(code_part($0))
	next
}
mode == "slash" || mode == "block" {
	code = code_part($0)
	if (length(code) == length($0)) { flush(); print; next }
	text = substr($0, length(code) + 2)
	if (mode == "slash") { print code "//" text; next }
	if (code ~ /^[ \t]*$/) { run[++nrun] = code "" text; next }
	flush(); print code "/*" text " */"
	next
}
function flush(    i) {
	if (!nrun) return
	for (i = 1; i <= nrun; i++)
		print (i == 1 ? "/*" : "  ") run[i] (i == nrun ? " */" : "")
	nrun = 0
}
END { if (mode == "block") flush() }

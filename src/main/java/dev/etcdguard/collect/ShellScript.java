package dev.etcdguard.collect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the etcd commands in a shell wrapper's script ({@code sh -c "exec etcd --name=a ... > /tmp/log 2>&1"}) as
 * a POSIX shell would run them: quoting, backslashes, line continuations and comments; commands separated by
 * {@code ; & | && || ;;}, newlines and parentheses; redirections ({@code > >> >| < <> >& <& &>}, with an fd number
 * such as {@code 2>&1}) and their targets, here-documents ({@code <<EOF}, {@code <<-EOF}) and here-strings
 * ({@code <<<}) are not arguments; leading assignments and precommands ({@code exec}, {@code env}, {@code nice},
 * {@code ionice}, ...) are skipped.
 *
 * <p>Variables are followed: {@code NAME=value} and {@code export} earlier in the script (and the container's
 * environment, passed in) give {@code $NAME} and {@code ${NAME}} their value when it is literal, also when built
 * from other known variables; field splitting of an unquoted expansion is applied. A value the script only
 * knows when it runs (command substitution, arithmetic, a loop, {@code read}, an unknown container variable) is
 * left as written and named in {@link Command#unknowns()}.
 *
 * <p>Every etcd command of the script is returned (one per {@code if}/{@code case} branch, {@code &&}/{@code ||}
 * alternative...). Control flow is followed loosely: a branch of an {@code if} or {@code case} starts from the
 * variables as they were before it, and after {@code fi}/{@code esac} a variable the branches set differently is
 * unknown; a variable a loop or a function body changes is unknown after it; a subshell's assignments stay in it.
 * Functions are not called: an etcd command inside one is judged with the variables where it is written.
 */
final class ShellScript {

    /** Precommands that run the next word as the program; see {@link #skipPrecommand}. */
    private static final Set<String> PRECOMMANDS = Set.of("exec", "command", "nohup", "env", "nice", "ionice",
            "stdbuf", "setsid", "tini", "dumb-init", "gosu", "su-exec", "chrt", "taskset");

    private static final Pattern BLANKS = Pattern.compile("[ \t\n]+");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    /** The settings that say whether a member has peers, as flags and as variables. */
    private static final Map<String, String> CLUSTER_SETTINGS = Map.of("initial-cluster", "ETCD_INITIAL_CLUSTER",
            "discovery", "ETCD_DISCOVERY", "discovery-srv", "ETCD_DISCOVERY_SRV");

    /** Flags with which etcd prints its version or usage and exits (Go flag booleans). */
    private static final Pattern PRINTS_AND_EXITS = Pattern.compile("--?(h|help|version(=(1|t|T|true|TRUE|True))?)");

    /** etcd's first argument naming a command that is not a member (etcdmain runs a proxy instead). */
    private static final Set<String> NOT_A_MEMBER = Set.of("gateway", "grpc-proxy");

    /** One argument of an etcd command; {@code via}: the variables its value came from, or null. */
    record Word(String text, int line, String via) {}

    /** A variable of the script: its value, or why it is unknown ({@code text} null); {@code line} 0 = the container's. */
    record Value(String text, String unknownBecause, int line) {
        static Value known(String text, int line) {
            return new Value(text, null, line);
        }

        static Value unknown(String why, int line) {
            return new Value(null, why, line);
        }

        boolean isKnown() {
            return text != null;
        }
    }

    /**
     * One etcd command of a script.
     *
     * @param words    etcd's argv, the program first, with their script lines (1-based)
     * @param env      the variables the script gives etcd (exported before, or assigned on the command), in order
     * @param unknowns why some words or environment values are only known when the script runs, one sentence each
     * @param line     the script line of the command
     * @param clusterUnknown why the command's cluster (initial-cluster, discovery) is only known when the script
     *                 runs, or null: such a member is not provably alone
     */
    record Command(List<Word> words, Map<String, Value> env, List<String> unknowns, int line, String clusterUnknown) {

        List<String> texts() {
            return words.stream().map(Word::text).toList();
        }
    }

    private ShellScript() {}

    /** The first etcd command of a script, variables followed without a container environment; or null. */
    static Command etcdCommand(String script) {
        List<Command> all = etcdCommands(script, Map.of());
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * Every etcd command of the script, in order.
     *
     * @param containerEnv the container's environment (values the shell starts with; unknown ones say why)
     */
    static List<Command> etcdCommands(String script, Map<String, Value> containerEnv) {
        return new Runner(containerEnv).run(new Lexer(script).tokens());
    }

    // ---------------------------------------------------------------- tokens

    private sealed interface Part {}

    /** Literal text; {@code quoted} when it came from quotes or a backslash. */
    private record Lit(String text, boolean quoted) implements Part {}

    /** {@code $NAME}, {@code ${NAME}}, or {@code ${NAME-word}}/{@code ${NAME:-word}} with a literal word. */
    private record Param(String name, String raw, boolean quoted, String fallback, boolean colon) implements Part {}

    /** An expansion only the running shell knows: {@code $(...)}, backquotes, {@code $((...))}, {@code $1}, ... */
    private record Opaque(String raw, boolean quoted) implements Part {}

    private sealed interface Token {
        int line();
    }

    private record WordToken(List<Part> parts, int line) implements Token {
        /** The word as written when it is plain unquoted text (a reserved word can only be that), else null. */
        String plain() {
            return parts.size() == 1 && parts.get(0) instanceof Lit l && !l.quoted() ? l.text() : null;
        }
    }

    private record Op(String op, int line) implements Token {}

    /** Splits a script into words and operators, dropping redirections, here-documents and comments. */
    private static final class Lexer {
        private final String s;
        private final int n;
        private final int[] lineStarts;
        private final List<Token> tokens = new ArrayList<>();
        private final List<Part> parts = new ArrayList<>();
        private final StringBuilder lit = new StringBuilder();
        private final List<String[]> heredocs = new ArrayList<>(); // {delimiter, "-" when tabs are stripped}
        private boolean litQuoted;
        private boolean inWord;
        private int wordStart;
        private String redirect; // the redirection operator whose target word comes next

        Lexer(String script) {
            s = script;
            n = script.length();
            List<Integer> starts = new ArrayList<>(List.of(0));
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) == '\n') {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        int lineAt(int offset) {
            int lo = 0;
            int hi = lineStarts.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (lineStarts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo + 1;
        }

        List<Token> tokens() {
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                switch (c) {
                    case ' ', '\t', '\r' -> endWord();
                    case '\n' -> {
                        endWord();
                        redirect = null;
                        tokens.add(new Op("\n", lineAt(i)));
                        i = skipHeredocs(i);
                    }
                    case '#' -> {
                        if (inWord) {
                            append(c, false, i);
                        } else {
                            int eol = s.indexOf('\n', i);
                            i = (eol < 0 ? n : eol) - 1;
                        }
                    }
                    case '\\' -> {
                        if (i + 1 < n && s.charAt(i + 1) != '\n') {
                            append(s.charAt(i + 1), true, i);
                        }
                        i++;
                    }
                    case '\'' -> {
                        int end = s.indexOf('\'', i + 1);
                        end = end < 0 ? n : end;
                        part(new Lit("", true), i); // '' is an argument, and no reserved word or assignment name
                        setQuoted(true);
                        lit.append(s, i + 1, end);
                        i = end;
                    }
                    case '"' -> i = doubleQuoted(i);
                    case '`' -> i = backquote(i, false);
                    case '$' -> i = dollar(i, false);
                    case ';' -> {
                        endWord();
                        if (s.startsWith(";;&", i)) {
                            op(";;", i);
                            i += 2;
                        } else if (s.startsWith(";;", i) || s.startsWith(";&", i)) {
                            op(";;", i);
                            i++;
                        } else {
                            op(";", i);
                        }
                    }
                    case '&' -> {
                        if (s.startsWith("&&", i)) {
                            endWord();
                            op("&&", i);
                            i++;
                        } else if (s.startsWith("&>", i)) { // bash: stdout and stderr to the target
                            endWord();
                            redirect = "&>";
                            i += s.startsWith("&>>", i) ? 2 : 1;
                        } else {
                            endWord();
                            op("&", i);
                        }
                    }
                    case '|' -> {
                        endWord();
                        if (s.startsWith("||", i)) {
                            op("||", i);
                            i++;
                        } else {
                            op("|", i);
                            if (s.startsWith("|&", i)) {
                                i++;
                            }
                        }
                    }
                    case '(', ')' -> {
                        endWord();
                        op(String.valueOf(c), i);
                    }
                    case '<', '>' -> i = redirection(i);
                    default -> append(c, false, i);
                }
            }
            endWord();
            return tokens;
        }

        private void op(String op, int at) {
            redirect = null;
            tokens.add(new Op(op, lineAt(at)));
        }

        private void start(int at) {
            if (!inWord) {
                inWord = true;
                wordStart = at;
            }
        }

        private void setQuoted(boolean quoted) {
            if (lit.length() > 0 && litQuoted != quoted) {
                parts.add(new Lit(lit.toString(), litQuoted));
                lit.setLength(0);
            }
            litQuoted = quoted;
        }

        private void append(char c, boolean quoted, int at) {
            start(at);
            setQuoted(quoted);
            lit.append(c);
        }

        private void part(Part p, int at) {
            start(at);
            if (lit.length() > 0) {
                parts.add(new Lit(lit.toString(), litQuoted));
                lit.setLength(0);
            }
            parts.add(p);
        }

        private void endWord() {
            if (!inWord) {
                return;
            }
            if (lit.length() > 0) {
                parts.add(new Lit(lit.toString(), litQuoted));
                lit.setLength(0);
            }
            WordToken w = new WordToken(List.copyOf(parts), lineAt(wordStart));
            parts.clear();
            inWord = false;
            if (redirect == null) {
                tokens.add(w);
                return;
            }
            if (redirect.startsWith("<<") && !redirect.equals("<<<")) { // the here-document's delimiter
                StringBuilder d = new StringBuilder();
                for (Part p : w.parts()) {
                    d.append(p instanceof Lit l ? l.text() : p instanceof Param q ? q.raw() : ((Opaque) p).raw());
                }
                heredocs.add(new String[] {d.toString(), redirect.equals("<<-") ? "-" : ""});
            }
            redirect = null; // the target is not an argument
        }

        /** At a newline: skips the bodies of the here-documents its line started; returns the last index read. */
        private int skipHeredocs(int newline) {
            int pos = newline;
            for (String[] h : heredocs) {
                while (pos < n - 1) {
                    int eol = s.indexOf('\n', pos + 1);
                    int end = eol < 0 ? n : eol;
                    String line = s.substring(pos + 1, end);
                    pos = Math.min(end, n - 1);
                    if ((h[1].isEmpty() ? line : line.replaceFirst("^\t+", "")).equals(h[0])) {
                        break;
                    }
                }
            }
            heredocs.clear();
            return pos;
        }

        /** {@code [n]> [n]>> [n]>| [n]>& [n]< [n]<> [n]<& [n]<< [n]<<- <<<}, and process substitution. */
        private int redirection(int i) {
            if (i + 1 < n && s.charAt(i + 1) == '(') { // bash process substitution <(...) >(...): a word
                int end = closing(s, i + 1);
                part(new Opaque(s.substring(i, end + 1), false), i);
                return end;
            }
            if (inWord && parts.isEmpty() && !litQuoted && lit.length() > 0 && lit.chars().allMatch(Character::isDigit)) {
                lit.setLength(0); // the fd number: 2>&1, 2>/dev/null
                inWord = false;
            } else {
                endWord();
            }
            String[] ops = {"<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">|", ">&", ">"};
            for (String op : ops) {
                if (s.startsWith(op, i)) {
                    redirect = op;
                    return i + op.length() - 1;
                }
            }
            return i;
        }

        private int doubleQuoted(int i) {
            part(new Lit("", true), i);
            setQuoted(true);
            int j = i + 1;
            while (j < n && s.charAt(j) != '"') {
                char d = s.charAt(j);
                if (d == '\\' && j + 1 < n && "$`\"\\\n".indexOf(s.charAt(j + 1)) >= 0) {
                    if (s.charAt(j + 1) != '\n') {
                        append(s.charAt(j + 1), true, j);
                    }
                    j += 2;
                } else if (d == '$') {
                    j = dollar(j, true) + 1;
                } else if (d == '`') {
                    j = backquote(j, true) + 1;
                } else {
                    append(d, true, j);
                    j++;
                }
            }
            return j;
        }

        private int backquote(int i, boolean quoted) {
            int end = i + 1;
            while (end < n && s.charAt(end) != '`') {
                end += s.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, n - 1);
            part(new Opaque(s.substring(i, end + 1), quoted), i);
            return end;
        }

        /** A {@code $} at {@code i}: an expansion, or a literal dollar; returns the last index read. */
        private int dollar(int i, boolean quoted) {
            char next = i + 1 < n ? s.charAt(i + 1) : ' ';
            if (next == '(' || next == '{') {
                int end = closing(s, i + 1);
                String raw = s.substring(i, end + 1);
                String inner = raw.length() >= 3 ? raw.substring(2, raw.length() - 1) : "";
                Part p = new Opaque(raw, quoted);
                if (next == '{') {
                    int k = nameEnd(inner, 0);
                    if (k > 0 && k == inner.length()) {
                        p = new Param(inner, raw, quoted, null, false);
                    } else if (k > 0 && (inner.startsWith(":-", k) || inner.startsWith("-", k))) {
                        boolean colon = inner.charAt(k) == ':';
                        String word = inner.substring(k + (colon ? 2 : 1));
                        if (word.chars().noneMatch(ch -> "$`\\'\"".indexOf(ch) >= 0)) {
                            p = new Param(inner.substring(0, k), raw, quoted, word, colon);
                        }
                    }
                }
                part(p, i);
                return end;
            }
            int k = nameEnd(s, i + 1);
            if (k > i + 1) {
                String name = s.substring(i + 1, k);
                part(new Param(name, "$" + name, quoted, null, false), i);
                return k - 1;
            }
            if (Character.isDigit(next) || "@*#?$!-".indexOf(next) >= 0) {
                part(new Opaque(s.substring(i, i + 2), quoted), i);
                return i + 1;
            }
            append('$', quoted, i);
            return i;
        }

        /** The end of a shell name starting at {@code from} ({@code from} itself when there is none). */
        private static int nameEnd(String t, int from) {
            int k = from;
            while (k < t.length() && (Character.isLetter(t.charAt(k)) && t.charAt(k) < 128 || t.charAt(k) == '_'
                    || k > from && Character.isDigit(t.charAt(k)))) {
                k++;
            }
            return k;
        }
    }

    /** The index of the bracket closing the one at {@code open} (nesting counted, quotes skipped), or the last index. */
    private static int closing(String s, int open) {
        char o = s.charAt(open);
        char c = o == '(' ? ')' : '}';
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            char d = s.charAt(j);
            if (d == '\\') {
                j++;
            } else if (d == '\'') {
                int end = s.indexOf('\'', j + 1);
                j = end < 0 ? s.length() - 1 : end;
            } else if (d == '"') {
                int end = j + 1;
                while (end < s.length() && s.charAt(end) != '"') {
                    end += s.charAt(end) == '\\' ? 2 : 1;
                }
                j = Math.min(end, s.length() - 1);
            } else if (d == o) {
                depth++;
            } else if (d == c && --depth == 0) {
                return j;
            }
        }
        return s.length() - 1;
    }

    // ---------------------------------------------------------------- running

    private enum Kind { IF, CASE, LOOP, GROUP, FUNCTION, SUBSHELL }

    /** An open compound command: the variables before it, and (if/case) those at the end of each branch. */
    private static final class Frame {
        final Kind kind;
        final int line;
        final String name;
        final Map<String, Value> before;
        final List<Map<String, Value>> branches = new ArrayList<>();
        boolean otherwise; // an else (or a * arm): some branch always runs

        Frame(Kind kind, int line, String name, Map<String, Value> before) {
            this.kind = kind;
            this.line = line;
            this.name = name;
            this.before = before;
        }
    }

    /** One expanded field of a word. */
    private record Field(String text, int line, List<String> via, List<String> unknown) {}

    /** Walks the tokens, keeping the variables, and collects the etcd commands. */
    private static final class Runner {
        private Map<String, Value> vars = new LinkedHashMap<>();
        private final Set<String> exported = new HashSet<>();
        private final Deque<Frame> frames = new ArrayDeque<>();
        private final List<Command> found = new ArrayList<>();
        private boolean allexport;

        Runner(Map<String, Value> containerEnv) {
            containerEnv.forEach((k, v) -> vars.put(k, new Value(v.text(), v.unknownBecause(), 0)));
            exported.addAll(containerEnv.keySet());
        }

        List<Command> run(List<Token> tokens) {
            List<WordToken> command = new ArrayList<>();
            boolean pattern = false; // inside a case arm's pattern, up to its ')'
            boolean skipToIn = false; // after 'case': its word, up to 'in'
            boolean header = false; // after 'for NAME': its words, up to the separator
            String function = null;
            for (int t = 0; t < tokens.size(); t++) {
                Token token = tokens.get(t);
                if (pattern) {
                    if (token instanceof WordToken w && "esac".equals(w.plain())) {
                        pattern = false;
                        close(Kind.CASE, true);
                    } else if (token instanceof Op o && o.op().equals(")")) {
                        pattern = false;
                    } else if (token instanceof WordToken w && "*".equals(w.plain()) && !frames.isEmpty()) {
                        frames.peek().otherwise = true;
                    }
                    continue;
                }
                if (skipToIn) {
                    if (token instanceof WordToken w && "in".equals(w.plain())) {
                        skipToIn = false;
                        pattern = true;
                    }
                    continue;
                }
                if (token instanceof WordToken w) {
                    if (header) {
                        continue;
                    }
                    String reserved = command.isEmpty() ? w.plain() : null;
                    if (reserved == null) {
                        command.add(w);
                        continue;
                    }
                    switch (reserved) {
                        case "if" -> open(Kind.IF, w.line(), null);
                        case "while", "until" -> open(Kind.LOOP, w.line(), null);
                        case "for", "select" -> {
                            open(Kind.LOOP, w.line(), null);
                            if (t + 1 < tokens.size() && tokens.get(t + 1) instanceof WordToken name && name.plain() != null) {
                                vars.put(name.plain(), Value.unknown(name.plain() + " is the variable of the loop at line "
                                        + w.line(), w.line()));
                            }
                            header = true;
                        }
                        case "case" -> {
                            open(Kind.CASE, w.line(), null);
                            skipToIn = true;
                        }
                        case "then", "do", "!", "time" -> { }
                        case "elif", "else" -> branch(reserved.equals("else"));
                        case "fi" -> close(Kind.IF);
                        case "done" -> close(Kind.LOOP);
                        case "esac" -> close(Kind.CASE);
                        case "{" -> {
                            open(function != null ? Kind.FUNCTION : Kind.GROUP, w.line(), function);
                            function = null;
                        }
                        case "}" -> close(Kind.GROUP);
                        case "function" -> {
                            if (t + 1 < tokens.size() && tokens.get(t + 1) instanceof WordToken name) {
                                function = name.plain();
                                t++;
                            }
                        }
                        default -> command.add(w);
                    }
                    continue;
                }
                Op op = (Op) token;
                header = false;
                if (op.op().equals("(") && command.size() == 1 && t + 1 < tokens.size()
                        && tokens.get(t + 1) instanceof Op close && close.op().equals(")")) {
                    function = command.get(0).plain(); // NAME() { ...; }
                    command.clear();
                    t++;
                    continue;
                }
                simple(command);
                command = new ArrayList<>();
                switch (op.op()) {
                    case "(" -> open(Kind.SUBSHELL, op.line(), null);
                    case ")" -> close(Kind.SUBSHELL);
                    case ";;" -> {
                        branch(false);
                        pattern = true;
                    }
                    default -> { }
                }
            }
            simple(command);
            return found;
        }

        private void open(Kind kind, int line, String name) {
            frames.push(new Frame(kind, line, name, new LinkedHashMap<>(vars)));
        }

        /** An {@code elif}/{@code else}, or the end of a case arm: the next branch starts from the variables before. */
        private void branch(boolean otherwise) {
            Frame f = frames.peek();
            if (f == null || f.kind != Kind.IF && f.kind != Kind.CASE) {
                return;
            }
            f.branches.add(vars);
            f.otherwise |= otherwise;
            vars = new LinkedHashMap<>(f.before);
        }

        private void close(Kind kind) {
            close(kind, false);
        }

        /** The end of a compound command; {@code afterArm}: a case's {@code esac} right after an arm's {@code ;;}. */
        private void close(Kind kind, boolean afterArm) {
            Frame f = frames.peek();
            if (f == null || !(f.kind == kind || kind == Kind.GROUP && f.kind == Kind.FUNCTION)) {
                return; // not what the script opened: a syntax error, or a word this reading took for a reserved one
            }
            frames.pop();
            switch (f.kind) {
                case IF, CASE -> {
                    if (!afterArm) {
                        f.branches.add(vars);
                    }
                    if (!f.otherwise) {
                        f.branches.add(f.before);
                    }
                    vars = merge(f);
                }
                case LOOP, FUNCTION -> {
                    Map<String, Value> after = new LinkedHashMap<>(vars);
                    vars.forEach((k, v) -> {
                        if (!sameValue(f.before.get(k), v)) {
                            after.put(k, Value.unknown(k + (f.kind == Kind.LOOP ? " is set in the loop at line " + f.line
                                    : " is set in the function " + f.name + " (line " + f.line + ")"), v.line()));
                        }
                    });
                    vars = after;
                }
                case SUBSHELL -> vars = f.before;
                case GROUP -> { }
            }
        }

        /** The same value, wherever it was set. */
        private static boolean sameValue(Value a, Value b) {
            return a == null ? b == null : b != null && Objects.equals(a.text(), b.text())
                    && Objects.equals(a.unknownBecause(), b.unknownBecause());
        }

        /** After an if or case: a variable every branch leaves the same keeps its value, else it is unknown. */
        private static Map<String, Value> merge(Frame f) {
            Map<String, Value> out = new LinkedHashMap<>();
            for (Map<String, Value> b : f.branches) {
                b.keySet().forEach(k -> out.putIfAbsent(k, null));
            }
            for (String k : new ArrayList<>(out.keySet())) {
                Value first = f.branches.get(0).get(k);
                boolean same = f.branches.stream().allMatch(b -> sameValue(b.get(k), first));
                if (same && first != null) {
                    out.put(k, first);
                } else if (same) {
                    out.remove(k);
                } else {
                    int line = f.branches.stream().map(b -> b.get(k)).filter(Objects::nonNull).mapToInt(Value::line)
                            .max().orElse(f.line);
                    out.put(k, Value.unknown(k + " is set differently by the branches of the "
                            + (f.kind == Kind.IF ? "if" : "case") + " at line " + f.line, line));
                }
            }
            return out;
        }

        /** A simple command: assignments, an etcd command, or a builtin that changes variables. */
        private void simple(List<WordToken> words) {
            if (words.isEmpty()) {
                return;
            }
            int i = 0;
            Map<String, Value> assigned = new LinkedHashMap<>();
            while (i < words.size() && assignment(words.get(i)) != null) {
                WordToken w = words.get(i);
                String name = assignment(w);
                assigned.put(name, value(name, valueParts(w, name), w.line()));
                i++;
            }
            if (i == words.size()) { // NAME=value alone: a shell variable
                assigned.forEach((k, v) -> {
                    vars.put(k, v);
                    if (allexport) {
                        exported.add(k);
                    }
                });
                return;
            }
            List<Field> fields = new ArrayList<>();
            for (WordToken w : words.subList(i, words.size())) {
                fields.addAll(expand(w));
            }
            int p = skipPrecommand(fields, 0, assigned);
            if (p >= fields.size()) {
                return;
            }
            String program = fields.get(p).text();
            if (ProcCollector.basename(program).equals("etcd")) {
                if (p + 1 < fields.size() && NOT_A_MEMBER.contains(fields.get(p + 1).text())
                        || fields.subList(p + 1, fields.size()).stream().anyMatch(f -> PRINTS_AND_EXITS.matcher(f.text()).matches())) {
                    return;
                }
                etcd(fields.subList(p, fields.size()), assigned);
            } else if (p == 0) {
                builtin(program, words.subList(i, words.size()), fields);
            }
        }

        private void etcd(List<Field> argv, Map<String, Value> assigned) {
            List<Word> words = new ArrayList<>();
            List<String> unknowns = new ArrayList<>();
            for (Field f : argv) {
                words.add(new Word(f.text(), f.line(), f.via().isEmpty() ? null : String.join("; ", f.via())));
                if (!f.unknown().isEmpty()) {
                    unknowns.add("the shell script's etcd argument '" + oneLine(f.text()) + "' (script line " + f.line()
                            + ") is taken as written: " + String.join("; ", f.unknown().stream().distinct().toList()));
                }
            }
            Map<String, Value> env = new LinkedHashMap<>();
            vars.forEach((k, v) -> {
                if (exported.contains(k) && v.line() > 0) {
                    env.put(k, v);
                }
            });
            assigned.forEach((k, v) -> {
                env.remove(k);
                env.put(k, v);
            });
            env.forEach((k, v) -> {
                if (!v.isKnown() && k.startsWith("ETCD_")) {
                    unknowns.add(v.unknownBecause() + ": etcd's " + k + " is unknown to this scan");
                }
            });
            String cluster = null;
            Set<String> flags = new HashSet<>();
            for (int k = 1; k < argv.size(); k++) {
                String a = argv.get(k).text();
                String flag = a.replaceFirst("^--?", "").replaceFirst("=.*", "");
                if (!a.startsWith("-") || !CLUSTER_SETTINGS.containsKey(flag)) {
                    continue;
                }
                flags.add(flag);
                Field value = a.indexOf('=') > 0 || k + 1 >= argv.size() ? argv.get(k) : argv.get(k + 1);
                if (cluster == null && !value.unknown().isEmpty()) {
                    cluster = "its " + flag + " is built by the shell script when it runs (" + value.unknown().get(0) + ")";
                }
            }
            for (Map.Entry<String, String> e : CLUSTER_SETTINGS.entrySet()) {
                Value v = env.get(e.getValue());
                if (cluster == null && !flags.contains(e.getKey()) && v != null && !v.isKnown()) {
                    cluster = v.unknownBecause();
                }
            }
            found.add(new Command(words, env, unknowns, argv.get(0).line(), cluster));
        }

        /** {@code export}, {@code unset}, {@code read}, {@code set -a}, ... */
        private void builtin(String program, List<WordToken> words, List<Field> fields) {
            switch (program) {
                case "export", "declare", "typeset", "local", "readonly" -> {
                    boolean export = program.equals("export");
                    for (WordToken w : words.subList(1, words.size())) {
                        String plain = w.plain();
                        if (plain != null && plain.startsWith("-")) {
                            export |= plain.contains("x");
                            continue;
                        }
                        String name = assignment(w);
                        if (name != null) {
                            vars.put(name, value(name, valueParts(w, name), w.line()));
                        } else {
                            name = plain;
                        }
                        if (name != null && (export || allexport)) {
                            exported.add(name);
                        }
                    }
                }
                case "unset" -> fields.subList(1, fields.size()).forEach(f -> {
                    vars.remove(f.text());
                    exported.remove(f.text());
                });
                case "read", "getopts" -> fields.subList(1, fields.size()).stream()
                        .filter(f -> !f.text().startsWith("-") && Lexer.nameEnd(f.text(), 0) == f.text().length())
                        .forEach(f -> vars.put(f.text(), Value.unknown(f.text() + " is read by the shell script at line "
                                + f.line(), f.line())));
                case "set" -> fields.subList(1, fields.size()).forEach(f -> {
                    if (f.text().matches("-[a-zA-Z]*a[a-zA-Z]*") || f.text().equals("allexport")) {
                        allexport = true;
                    } else if (f.text().matches("\\+[a-zA-Z]*a[a-zA-Z]*")) {
                        allexport = false;
                    }
                });
                default -> { }
            }
        }

        /**
         * The index of the program after precommands ({@code exec -a NAME}, {@code env -i NAME=v}, {@code nice -n 5},
         * {@code ionice -c2 -n0}, {@code gosu USER}, ...); {@code env}'s assignments go into {@code assigned}.
         */
        private int skipPrecommand(List<Field> f, int p, Map<String, Value> assigned) {
            while (p < f.size() && PRECOMMANDS.contains(ProcCollector.basename(f.get(p).text()))) {
                String pre = ProcCollector.basename(f.get(p).text());
                p++;
                switch (pre) {
                    case "gosu", "su-exec" -> {
                        return p + 1; // USER[:GROUP] then the program
                    }
                    case "env" -> {
                        while (p < f.size() && (f.get(p).text().startsWith("-") || f.get(p).text().indexOf('=') > 0)) {
                            String a = f.get(p).text();
                            if (a.equals("--")) {
                                p++;
                                break;
                            }
                            int eq = a.indexOf('=');
                            if (!a.startsWith("-") && Lexer.nameEnd(a, 0) == eq) {
                                Field field = f.get(p);
                                String v = a.substring(eq + 1);
                                assigned.put(a.substring(0, eq), field.unknown().isEmpty() ? Value.known(v, field.line())
                                        : Value.unknown(String.join("; ", field.unknown()), field.line()));
                            }
                            p += a.equals("-u") || a.equals("-C") || a.equals("-S") ? 2 : 1;
                        }
                    }
                    case "chrt", "taskset" -> { // options, then the priority, mask or cpu list
                        while (p < f.size() && f.get(p).text().startsWith("-")) {
                            p++;
                        }
                        p++;
                    }
                    default -> { // exec, command, nohup, nice, ionice, stdbuf, setsid, tini, dumb-init
                        while (p < f.size() && f.get(p).text().startsWith("-")) {
                            String o = f.get(p).text();
                            p++;
                            if (o.equals("--")) {
                                break;
                            }
                            boolean takesValue = switch (pre) {
                                case "exec" -> o.equals("-a");
                                case "nice", "ionice" -> o.equals("-n") || o.equals("-c") || o.equals("-p")
                                        || o.equals("-P") || o.equals("-u");
                                case "stdbuf" -> o.equals("-i") || o.equals("-o") || o.equals("-e");
                                case "tini" -> o.equals("-p") || o.equals("-e");
                                default -> false;
                            };
                            if (takesValue) {
                                p++;
                            }
                        }
                    }
                }
            }
            return p;
        }

        // ------------------------------------------------------------ expansion

        /** {@code NAME} when the word is {@code NAME=...} (unquoted name), else null. */
        private static String assignment(WordToken w) {
            if (w.parts().isEmpty() || !(w.parts().get(0) instanceof Lit l) || l.quoted()) {
                return null;
            }
            int eq = l.text().indexOf('=');
            return eq > 0 && Lexer.nameEnd(l.text(), 0) == eq ? l.text().substring(0, eq) : null;
        }

        private static List<Part> valueParts(WordToken w, String name) {
            List<Part> value = new ArrayList<>(w.parts());
            Lit first = (Lit) value.remove(0);
            String rest = first.text().substring(name.length() + 1);
            if (!rest.isEmpty()) {
                value.add(0, new Lit(rest, false));
            }
            return value;
        }

        /** The value an assignment at {@code line} gives {@code name}: no field splitting. */
        private Value value(String name, List<Part> parts, int line) {
            StringBuilder text = new StringBuilder();
            List<String> unknown = new ArrayList<>();
            for (Part p : parts) {
                text.append(expandPart(p, new ArrayList<>(), unknown));
            }
            return unknown.isEmpty() ? Value.known(text.toString(), line)
                    : Value.unknown(name + " is set by the shell script at line " + line + " (" + brief(unknown.get(0)) + ")",
                    line);
        }

        /** A part's text after expansion (as written when unknown); records where a value came from or why unknown. */
        private String expandPart(Part p, List<String> via, List<String> unknown) {
            return switch (p) {
                case Lit l -> l.text();
                case Opaque o -> {
                    unknown.add(oneLine(o.raw()) + " is only known when the script runs");
                    yield o.raw();
                }
                case Param q -> {
                    Value v = vars.get(q.name());
                    if (v != null && v.isKnown()) {
                        boolean fallback = q.colon() && v.text().isEmpty() && q.fallback() != null;
                        via.add(q.name() + (v.line() > 0 ? " set by the shell script at line " + v.line()
                                : " from the container's env") + (fallback ? " (empty: " + q.raw() + " gives its default)" : ""));
                        yield fallback ? q.fallback() : v.text();
                    }
                    if (v != null) {
                        unknown.add(v.unknownBecause());
                    } else if (q.name().equals("HOSTNAME")) {
                        unknown.add("HOSTNAME is the pod's host name, set when it runs");
                    } else {
                        unknown.add(q.name() + " is set neither by the script nor by the container's env (the image may"
                                + " set it" + (q.fallback() == null ? "" : "; else " + q.raw() + " gives '" + q.fallback() + "'")
                                + ")");
                    }
                    yield q.raw();
                }
            };
        }

    /** A word's fields: expansions applied, unquoted known values split at blanks, empty unquoted ones dropped. */
        private List<Field> expand(WordToken w) {
            List<Field> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean real = false; // the current field has literal or quoted content
            List<String> via = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (Part p : w.parts()) {
                int before = unknown.size();
                String text = expandPart(p, via, unknown);
                boolean split = p instanceof Param q && !q.quoted() && unknown.size() == before;
                if (!split) {
                    cur.append(text);
                    real |= !(p instanceof Param) || !text.isEmpty();
                    continue;
                }
                String[] pieces = text.indexOf(' ') < 0 && text.indexOf('\t') < 0 && text.indexOf('\n') < 0
                        ? new String[] {text} : BLANKS.split(text, -1);
                for (int k = 0; k < pieces.length; k++) {
                    if (k > 0 && (real || cur.length() > 0)) {
                        out.add(new Field(cur.toString(), w.line(), List.copyOf(via), List.copyOf(unknown)));
                        cur.setLength(0);
                        real = false;
                    }
                    cur.append(pieces[k]);
                    real |= !pieces[k].isEmpty();
                }
            }
            if (real || cur.length() > 0) {
                out.add(new Field(cur.toString(), w.line(), List.copyOf(via), List.copyOf(unknown)));
            }
            return out;
        }
    }

    /** A reason kept short: a variable built from another unknown one does not repeat its whole history. */
    private static String brief(String reason) {
        return reason.length() > 200 ? reason.substring(0, 197) + "..." : reason;
    }

    /** A short one-line form of script text for messages. */
    static String oneLine(String text) {
        String t = SPACE.matcher(text.replace("\\\n", " ")).replaceAll(" ").trim();
        return t.length() > 80 ? t.substring(0, 77) + "..." : t;
    }
}

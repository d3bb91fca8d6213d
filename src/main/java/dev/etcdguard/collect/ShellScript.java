package dev.etcdguard.collect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the etcd command in a shell wrapper's script ({@code sh -c "exec etcd --name=a ..."}): POSIX
 * quoting, backslashes, line continuations and comments, commands separated by {@code ; & | && ||},
 * newlines and parentheses. Leading variable assignments and {@code exec}/{@code command}/{@code env}
 * are skipped, and become etcd's environment, as do variables exported earlier in the script.
 * Variables are not expanded: the words that would be are reported.
 */
final class ShellScript {

    /** Words before a command's program: precommands, and reserved words that can start a command. */
    private static final Set<String> PREFIXES = Set.of("exec", "command", "env", "nohup", "then", "else", "do", "{", "!",
            "time");

    /** One word of the script, unquoted; {@code expands} when the shell would substitute part of it. */
    record Word(String text, boolean expands) {}

    /**
     * The etcd command of a script.
     *
     * @param words      etcd's argv, the program first
     * @param env        variables the script gives etcd (exported earlier, or assigned before the command), in order
     * @param expansions the words (argv and env values) that hold {@code $VAR}, {@code ${...}}, {@code $(...)} or
     *                   backquotes: their values are only known when the script runs
     */
    record Command(List<String> words, Map<String, String> env, List<String> expansions) {}

    private ShellScript() {}

    /** The first command whose program's basename is {@code etcd}, or null. */
    static Command etcdCommand(String script) {
        Map<String, Word> shellVars = new LinkedHashMap<>();
        Map<String, Word> exported = new LinkedHashMap<>();
        for (List<Word> command : commands(script)) {
            int i = 0;
            Map<String, Word> assigned = new LinkedHashMap<>();
            while (i < command.size() && (isAssignment(command.get(i).text()) || PREFIXES.contains(command.get(i).text()))) {
                Word w = command.get(i);
                if (isAssignment(w.text())) {
                    assigned.put(w.text().substring(0, w.text().indexOf('=')), w);
                }
                i++;
            }
            if (i < command.size() && ProcCollector.basename(command.get(i).text()).equals("etcd")) {
                Map<String, String> env = new LinkedHashMap<>();
                List<String> expansions = new ArrayList<>();
                exported.putAll(assigned);
                exported.forEach((name, w) -> {
                    env.put(name, w.text().substring(name.length() + 1));
                    if (w.expands()) {
                        expansions.add(w.text());
                    }
                });
                List<String> words = new ArrayList<>();
                for (Word w : command.subList(i, command.size())) {
                    words.add(w.text());
                    if (w.expands()) {
                        expansions.add(w.text());
                    }
                }
                return new Command(words, env, expansions);
            }
            if (i == command.size()) { // NAME=value alone: a shell variable (exported if it already is)
                assigned.forEach((name, w) -> (exported.containsKey(name) ? exported : shellVars).put(name, w));
            } else if (command.get(i).text().equals("export")) {
                for (Word w : command.subList(i + 1, command.size())) {
                    if (isAssignment(w.text())) {
                        String name = w.text().substring(0, w.text().indexOf('='));
                        shellVars.remove(name);
                        exported.put(name, w);
                    } else if (shellVars.containsKey(w.text())) {
                        exported.put(w.text(), shellVars.remove(w.text()));
                    }
                }
            }
        }
        return null;
    }

    static List<List<Word>> commands(String script) {
        List<List<Word>> commands = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean expands = false;
        int n = script.length();
        for (int i = 0; i < n; i++) {
            char c = script.charAt(i);
            switch (c) {
                case '\'' -> {
                    int end = script.indexOf('\'', i + 1);
                    end = end < 0 ? n : end;
                    word.append(script, i + 1, end);
                    inWord = true;
                    i = end;
                }
                case '"' -> {
                    int j = i + 1;
                    while (j < n && script.charAt(j) != '"') {
                        char d = script.charAt(j);
                        if (d == '\\' && j + 1 < n && "$`\"\\\n".indexOf(script.charAt(j + 1)) >= 0) {
                            if (script.charAt(j + 1) != '\n') {
                                word.append(script.charAt(j + 1));
                            }
                            j += 2;
                        } else {
                            expands |= d == '`' || d == '$' && j + 1 < n && isExpansionStart(script.charAt(j + 1));
                            word.append(d);
                            j++;
                        }
                    }
                    inWord = true;
                    i = j;
                }
                case '\\' -> {
                    if (i + 1 < n) {
                        if (script.charAt(i + 1) != '\n') {
                            word.append(script.charAt(i + 1));
                            inWord = true;
                        }
                        i++;
                    }
                }
                case '#' -> {
                    if (inWord) {
                        word.append(c);
                    } else {
                        int eol = script.indexOf('\n', i);
                        i = (eol < 0 ? n : eol) - 1;
                    }
                }
                case ' ', '\t' -> {
                    inWord = flush(word, inWord, expands, words);
                    expands = false;
                }
                case ';', '&', '|', '\n', '(', ')' -> {
                    inWord = flush(word, inWord, expands, words);
                    expands = false;
                    if (!words.isEmpty()) {
                        commands.add(words);
                        words = new ArrayList<>();
                    }
                }
                case '`' -> { // command substitution: part of the word, whatever it holds
                    int end = script.indexOf('`', i + 1);
                    end = end < 0 ? n - 1 : end;
                    word.append(script, i, end + 1);
                    inWord = true;
                    expands = true;
                    i = end;
                }
                default -> {
                    if (c == '$' && i + 1 < n && (script.charAt(i + 1) == '(' || script.charAt(i + 1) == '{')) {
                        int end = closing(script, i + 1); // $(...) and ${...} are part of the word
                        word.append(script, i, end + 1);
                        inWord = true;
                        expands = true;
                        i = end;
                        continue;
                    }
                    expands |= c == '$' && i + 1 < n && isExpansionStart(script.charAt(i + 1));
                    word.append(c);
                    inWord = true;
                }
            }
        }
        flush(word, inWord, expands, words);
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }

    private static boolean flush(StringBuilder word, boolean inWord, boolean expands, List<Word> words) {
        if (inWord) {
            words.add(new Word(word.toString(), expands));
            word.setLength(0);
        }
        return false;
    }

    /** The index of the bracket closing the one at {@code open} (nesting counted), or the last index. */
    private static int closing(String script, int open) {
        char o = script.charAt(open);
        char c = o == '(' ? ')' : '}';
        int depth = 0;
        for (int j = open; j < script.length(); j++) {
            char d = script.charAt(j);
            if (d == o) {
                depth++;
            } else if (d == c && --depth == 0) {
                return j;
            }
        }
        return script.length() - 1;
    }

    /** After {@code $}: a parameter, {@code ${...}}, {@code $(...)} or a special parameter. */
    private static boolean isExpansionStart(char c) {
        return Character.isLetterOrDigit(c) || "_{(@*#?$!-".indexOf(c) >= 0;
    }

    private static boolean isAssignment(String word) {
        int eq = word.indexOf('=');
        if (eq <= 0) {
            return false;
        }
        for (int i = 0; i < eq; i++) {
            char c = word.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_') || (i == 0 && Character.isDigit(c))) {
                return false;
            }
        }
        return true;
    }
}

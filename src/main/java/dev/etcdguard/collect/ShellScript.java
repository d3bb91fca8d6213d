package dev.etcdguard.collect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the etcd command in a shell wrapper's script ({@code sh -c "exec etcd --name=a ..."}): POSIX
 * quoting, backslashes, line continuations and comments, commands separated by {@code ; & | && ||},
 * newlines and parentheses. Leading variable assignments and {@code exec}/{@code command}/{@code env}
 * are skipped. Variables are not expanded.
 */
final class ShellScript {

    private static final Set<String> PREFIXES = Set.of("exec", "command", "env", "nohup");

    private ShellScript() {}

    /** The words of the first command whose program's basename is {@code etcd}, or null. */
    static List<String> etcdCommand(String script) {
        for (List<String> command : commands(script)) {
            int i = 0;
            while (i < command.size() && (isAssignment(command.get(i)) || PREFIXES.contains(command.get(i)))) {
                i++;
            }
            if (i < command.size() && ProcCollector.basename(command.get(i)).equals("etcd")) {
                return command.subList(i, command.size());
            }
        }
        return null;
    }

    static List<List<String>> commands(String script) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
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
                    inWord = flush(word, inWord, words);
                }
                case ';', '&', '|', '\n', '(', ')' -> {
                    inWord = flush(word, inWord, words);
                    if (!words.isEmpty()) {
                        commands.add(words);
                        words = new ArrayList<>();
                    }
                }
                default -> {
                    word.append(c);
                    inWord = true;
                }
            }
        }
        flush(word, inWord, words);
        if (!words.isEmpty()) {
            commands.add(words);
        }
        return commands;
    }

    private static boolean flush(StringBuilder word, boolean inWord, List<String> words) {
        if (inWord) {
            words.add(word.toString());
            word.setLength(0);
        }
        return false;
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

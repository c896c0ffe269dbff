// Several ePubs checked by EPUBCheck in one Java process (tests/helpers.py, epubcheck_reports).
//
// `java -jar epubcheck.jar` checks one book per process, and most of its time is the JVM
// starting and loading the schemas; every book after the first in one process takes a fraction
// of that. Each book gets a new EpubChecker, as the jar's own main makes, run with the same
// arguments (`--usage BOOK`); what it prints goes to that book's report file, whose first line
// is the exit status the jar would have returned.
//
// Run from source (java's single-file launcher, which the JRE's compiler module serves):
//     java -cp epubcheck.jar EpubCheckMany.java REPORTS BOOK...
// writes REPORTS/0.txt for the first BOOK, REPORTS/1.txt for the second, and so on.

import com.adobe.epubcheck.tool.EpubChecker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class EpubCheckMany {
    public static void main(String[] args) throws Exception {
        Path reports = Path.of(args[0]);
        PrintStream out = System.out, err = System.err;
        for (int i = 1; i < args.length; i++) {
            ByteArrayOutputStream said = new ByteArrayOutputStream();
            PrintStream capture = new PrintStream(said, true, StandardCharsets.UTF_8);
            int status;
            System.setOut(capture);
            System.setErr(capture);
            try {
                status = new EpubChecker().run(new String[] {"--usage", args[i]});
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            capture.flush();
            String report = status + "\n" + said.toString(StandardCharsets.UTF_8);
            Files.writeString(reports.resolve((i - 1) + ".txt"), report, StandardCharsets.UTF_8);
        }
    }
}

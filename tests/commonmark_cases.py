# ruff: noqa: E501 (Markdown cases read best one to a line)
"""Markdown the tool must read as CommonMark does: hand cases, in the spec's order.

Each case is (name, text). The names say what the case is about; the cases
from issue 22 come first. ``real_world()`` adds whole documents: this
repository's own pages and the READMEs of the packages in the dev environment.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ISSUE = [
    ("setext h1", "Risks\n=====\n\nText.\n"),
    ("setext h2", "Risks\n-----\n\nText.\n"),
    ("setext h2 one dash", "Risks\n-\n"),
    ("setext two lines", "Risks and\nrollback\n---\n"),
    ("atx indented 1", " ## Risks\n"),
    ("atx indented 2", "  ## Risks\n"),
    ("atx indented 3", "   ## Risks\n"),
    ("atx indented 4 is code", "    ## Risks\n"),
    ("atx tab after hashes", "##\tRisks\n"),
    ("atx trailing tab", "## Risks\t\n"),
    ("atx trailing tabs and spaces", "## Risks \t \t\n"),
    ("atx closing with tab", "## Risks\t##\t\n"),
    ("section only in html comment", "<!--\n## Risks\n-->\n\n## Other\n"),
    ("section in one-line comment", "<!-- ## Risks -->\n## Other\n"),
    ("section only in backtick fence", "```\n## Risks\n```\n"),
    ("section only in tilde fence", "~~~\n## Risks\n~~~\n"),
    ("unclosed fence", "## Summary\n\n```\n## Risks\nmore\n"),
    ("unclosed tilde fence", "## Summary\n\n~~~~ text\n## Risks\n"),
    ("backtick fence holding tildes", "```\n~~~\n## Risks\n```\n## After\n"),
    ("tilde fence holding backticks", "~~~\n```\n## Risks\n~~~\n## After\n"),
    ("short closing fence", "````\n## In\n```\n## Still in\n````\n## Out\n"),
    ("cr only", "# T\r\r## Risks\r\rText.\r"),
    ("crlf", "# T\r\n\r\n## Risks\r\n\r\nText.\r\n"),
    ("mixed endings", "# T\n\r\n## Risks\r## Next\n"),
    ("form feed stays in line", "## Risks\x0c\n## Next\n"),
    ("u2028 stays in line", "## A\u2028B\n"),
    ("heading with nbsp end", "## Risks\u00a0\n"),
    ("heading in block quote", "> ## Risks\n\n## Other\n"),
    ("heading in list item", "- ## Risks\n\n## Other\n"),
    ("heading in nested list", "- a\n  - ## Risks\n\n## Other\n"),
]

ATX = [
    ("atx levels", "# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6\n"),
    ("seven hashes", "####### foo\n"),
    ("no space after hash", "#5 bolt\n\n#hashtag\n"),
    ("escaped hash", "\\## foo\n"),
    ("inline in heading", "# foo *bar* \\*baz\\*\n"),
    ("spaces around", "#                  foo                     \n"),
    ("closing sequence", "## foo ##\n  ###   bar    ###\n"),
    ("closing longer", "# foo ##################################\n##### foo ##\n"),
    ("closing shorter", "### foo ###     \n"),
    ("closing then text", "### foo ### b\n"),
    ("hash without space", "# foo#\n"),
    ("escaped closing", "### foo \\###\n## foo #\\##\n# foo \\#\n"),
    ("hr around heading", "****\n## foo\n****\n"),
    ("interrupts paragraph", "Foo bar\n# baz\nBar foo\n"),
    ("empty headings", "## \n#\n### ###\n"),
    ("heading after code", "    code\n# h\n"),
    ("paragraph then indented hash", "foo\n    # bar\n"),
]

SETEXT = [
    ("setext basic", "Foo *bar*\n=========\n\nFoo *bar*\n---------\n"),
    ("setext multiline", "Foo *bar\nbaz*\n====\n"),
    ("setext indented text", "  Foo *bar\nbaz*\t\n====\n"),
    ("underline lengths", "Foo\n-------------------------\n\nFoo\n=\n"),
    ("text indented up to 3", "   Foo\n---\n\n  Foo\n-----\n\n  Foo\n  ===\n"),
    ("text indented 4", "    Foo\n    ---\n\n    Foo\n---\n"),
    ("underline indented 3", "Foo\n   ----      \n"),
    ("underline indented 4", "Foo\n    ---\n"),
    ("underline with spaces", "Foo\n= =\n\nFoo\n--- -\n"),
    ("trailing spaces text", "Foo  \n-----\n"),
    ("backslash end", "Foo\\\n----\n"),
    ("code span across", '`Foo\n----\n`\n\n<a title="a lot\n---\nof dashes"/>\n'),
    ("lazy in quote", "> Foo\n---\n"),
    ("lazy quote multi", "> foo\nbar\n===\n"),
    ("list then dashes", "- Foo\n---\n"),
    ("multi line paragraph", "Foo\nBar\n---\n"),
    ("hr between", "---\nFoo\n---\nBar\n---\nBaz\n"),
    ("empty underline", "\n====\n"),
    ("dashes alone", "---\n---\n"),
    ("list item dashes", "- foo\n-----\n"),
    ("code then dashes", "    foo\n---\n"),
    ("quote then dashes", "> foo\n-----\n"),
    ("escaped equals", "\\> foo\n------\n"),
    ("paragraph blank", "Foo\n\nbar\n---\nbaz\n"),
    ("paragraph hr stars", "Foo\nbar\n\n---\n\nbaz\n"),
    ("paragraph star hr", "Foo\nbar\n* * *\nbaz\n"),
    ("escaped dashes", "Foo\nbar\n\\---\nbaz\n"),
    ("setext in list item", "- Foo\n  ---\n\n# top\n"),
    ("setext in quote", "> Foo\n> ===\n\n# top\n"),
    ("equals without paragraph", "===\n\n# top\n"),
    ("setext after heading", "# A\nB\n===\n"),
    ("setext after fence", "```\nx\n```\nB\n---\n"),
]

THEMATIC = [
    ("thematic kinds", "***\n---\n___\n"),
    ("not thematic", "+++\n\n===\n\n--\n**\n__\n"),
    ("thematic indents", " ***\n  ***\n   ***\n    ***\n"),
    ("thematic spaced", " - - -\n **  * ** * ** * **\n-     -      -      -\n- - - -    \n"),
    ("thematic with text", "_ _ _ _ a\n\na------\n\n---a---\n"),
    ("emphasis not hr", " *-*\n"),
    ("hr between lists", "- foo\n***\n- bar\n"),
    ("hr interrupts", "Foo\n***\nbar\n"),
    ("hr list precedence", "* Foo\n* * *\n* Bar\n"),
    ("hr in list", "- Foo\n- * * *\n"),
]

CODE = [
    ("indented code", "    a simple\n      indented code block\n\n# after\n"),
    ("list beats code", "  - foo\n\n    bar\n"),
    ("code in item", "1.  foo\n\n    - bar\n"),
    ("code blank lines", "    chunk1\n\n    chunk2\n  \n \n \n    chunk3\n"),
    ("code cannot interrupt", "Foo\n    bar\n"),
    ("code then paragraph", "    foo\nbar\n"),
    ("code then heading", "# Heading\n    foo\nHeading\n------\n    foo\n----\n"),
    ("code first line", "        foo\n    bar\n"),
    ("code trailing blank", "\n    \n    foo\n    \n\n"),
    ("tab code", "\tfoo\tbaz\t\tbim\n"),
    ("tab code 2", "  \tfoo\tbaz\t\tbim\n"),
    ("tab code 3", "    a\ta\n    ὐ\ta\n"),
]

FENCES = [
    ("fence backticks", "```\n<\n >\n```\n"),
    ("fence tildes", "~~~\n<\n >\n~~~\n"),
    ("two backticks not fence", "``\nfoo\n``\n"),
    ("mismatched closer", "```\naaa\n~~~\n```\n"),
    ("mismatched closer tilde", "~~~\naaa\n```\n~~~\n"),
    ("closer longer", "````\naaa\n```\n``````\n"),
    ("closer shorter tilde", "~~~~\naaa\n~~~\n~~~~\n"),
    ("empty unclosed", "```\n"),
    ("unclosed with text", "`````\n\n```\naaa\n"),
    ("unclosed in quote", "> ```\n> aaa\n\nbbb\n"),
    ("blank only fence", "```\n\n  \n```\n"),
    ("empty fence", "```\n```\n"),
    ("indented fence", " ```\n aaa\naaa\n```\n"),
    ("indented fence 2", "  ```\naaa\n  aaa\naaa\n  ```\n"),
    ("indented fence 3", "   ```\n   aaa\n    aaa\n  aaa\n   ```\n"),
    ("indented 4 not fence", "    ```\n    aaa\n    ```\n"),
    ("closer indented", "```\naaa\n  ```\n"),
    ("closer indented more", "   ```\naaa\n  ```\n"),
    ("closer indented 4", "```\naaa\n    ```\n"),
    ("spaces in fence", "``` ```\naaa\n"),
    ("closer with spaces inside", "~~~~~~\naaa\n~~~ ~~\n"),
    ("fence interrupts", "foo\n```\nbar\n```\nbaz\n"),
    ("fence around headings", "foo\n---\n~~~\nbar\n~~~\n# baz\n"),
    ("info string", "```ruby\ndef foo(x)\n  return 3\nend\n```\n"),
    ("info string spaces", "~~~~    ruby startline=3 $%@#$\ndef foo(x)\n~~~~~~~\n"),
    ("info semicolon", "````;\n````\n"),
    ("backtick in info", "``` aa ```\nfoo\n"),
    ("tilde info backticks", "~~~ aa ``` ~~~\nfoo\n~~~\n"),
    ("closer with info", "```\n``` aaa\n```\n"),
    ("backtick info heading", "``` `x`\n# seen\n"),
    ("fence in list item", "- ```\n  # in\n  ```\n# out\n"),
    ("fence in item unindented", "- ```\n# out\n"),
    ("fence in quote closed by quote end", "> ```\n> # in\n# out\n"),
    ("mermaid", "## Proposal\n\n```mermaid\nflowchart LR\n    a --> b\n```\n\n## Next\n"),
]

HTML = [
    ("html table", "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n"),
    (
        "html table 2",
        "<table>\n  <tr>\n    <td>\n           hi\n    </td>\n  </tr>\n</table>\n\nokay.\n",
    ),
    ("html div indented", " <div>\n  *hello*\n         <foo><a>\n"),
    ("html closing div", "</div>\n*foo*\n"),
    ("html div blank", '<DIV CLASS="foo">\n\n*Markdown*\n\n</DIV>\n'),
    ("html div attrs", '<div id="foo"\n  class="bar">\n</div>\n'),
    ("html div attrs 2", '<div id="foo" class="bar\n  baz">\n</div>\n'),
    ("html div heading", "<div>\n*foo*\n\n*bar*\n# h\n"),
    ("html partial tags", '<div id="foo"\n*hi*\n'),
    ("html partial class", "<div class\nfoo\n"),
    ("html weird", "<div *???-&&&-<---\n*foo*\n"),
    ("html one line", '<div><a href="bar">*foo*</a></div>\n'),
    ("html table cell", "<table><tr><td>\nfoo\n</td></tr></table>\n"),
    ("html div pre", "<div></div>\n``` c\nint x = 33;\n```\n"),
    ("html type 7 a", '<a href="foo">\n*bar*\n</a>\n'),
    ("html type 7 warning", "<Warning>\n*bar*\n</Warning>\n"),
    ("html type 7 i", '<i class="foo">\n*bar*\n</i>\n'),
    ("html type 7 close", "</ins>\n*bar*\n"),
    ("html del", "<del>\n*foo*\n</del>\n"),
    ("html del blank", "<del>\n\n*foo*\n\n</del>\n"),
    ("html del inline", "<del>*foo*</del>\n"),
    (
        "html pre",
        '<pre language="haskell"><code>\nimport Text.HTML.TagSoup\n\nmain :: IO ()\n</code></pre>\nokay\n',
    ),
    (
        "html script",
        '<script type="text/javascript">\n// JavaScript example\n\ndocument.getElementById("demo").innerHTML = "Hello JavaScript!";\n</script>\nokay\n',
    ),
    ("html textarea", "<textarea>\n\n*foo*\n\n_bar_\n\n</textarea>\n"),
    (
        "html style",
        '<style\n  type="text/css">\nh1 {color:red;}\n\np {color:blue;}\n</style>\nokay\n',
    ),
    ("html style unclosed", '<style\n  type="text/css">\n\nfoo\n'),
    ("html quote style", "> <div>\n> foo\n\nbar\n"),
    ("html list style", "- <div>\n- foo\n"),
    ("html style same line", "<style>p{color:red;}</style>\n*foo*\n"),
    ("html comment same line", "<!-- foo -->*bar*\n*baz*\n"),
    ("html script text", "<script>\nfoo\n</script>1. *bar*\n"),
    ("html comment", "<!-- Foo\n\nbar\n   baz -->\nokay\n"),
    ("html processing", "<?php\n\n  echo '>';\n\n?>\nokay\n"),
    ("html declaration", "<!DOCTYPE html>\n"),
    (
        "html cdata",
        "<![CDATA[\nfunction matchwo(a,b)\n{\n  if (a < b && a < 0) then {\n    return 1;\n\n  } else {\n\n    return 0;\n  }\n}\n]]>\nokay\n",
    ),
    ("html comment indented", "  <!-- foo -->\n\n    <!-- foo -->\n"),
    ("html div indented 4", "  <div>\n\n    <div>\n"),
    ("html interrupts", "Foo\n<div>\nbar\n</div>\n"),
    ("html ends at blank", "<div>\nbar\n</div>\n*foo*\n"),
    ("html 7 no interrupt", 'Foo\n<a href="bar">\nbaz\n'),
    ("html div blank markdown", "<div>\n\n*Emphasized* text.\n\n</div>\n"),
    ("html div no blank", "<div>\n*Emphasized* text.\n</div>\n"),
    ("html table blanks", "<table>\n\n<tr>\n\n<td>\nHi\n</td>\n\n</tr>\n\n</table>\n"),
    (
        "html table indented",
        "<table>\n\n  <tr>\n\n    <td>\n      Hi\n    </td>\n\n  </tr>\n\n</table>\n",
    ),
    ("html comment unclosed", "## A\n<!-- never closed\n## B\n"),
    ("html comment short", "<!-->\n## after\n<!--->\n## after 2\n"),
    ("html details", "<details>\n<summary>More</summary>\n\n## Inside details\n\n</details>\n"),
    ("html picture", '<p align="center">\n  <img src="logo.png">\n</p>\n\n# Project\n'),
    ("html br", "<br>\n# heading\n"),
    ("html pre closed on line", "<pre>x</pre>\n# heading\n"),
    ("html uppercase script", "<SCRIPT>\n# in\n</SCRIPT>\n# out\n"),
]

REFERENCES = [
    ("refdef", '[foo]: /url "title"\n\n[foo]\n'),
    ("refdef spaces", "   [foo]: \n      /url  \n           'the title'  \n\n[foo]\n"),
    ("refdef then heading", "[foo]: /url\n# heading\n"),
    ("refdef then setext", "[foo]: /url\nbar\n===\n"),
    ("refdef setext", "[foo]: /url\n===\n[foo]\n"),
    ("refdef in paragraph", "Foo\n[bar]: /baz\n\n[bar]\n"),
    ("refdef then hr", "[foo]: /url\n---\n"),
    ("refdef then quote", "# [Foo]\n[foo]: /url\n> bar\n"),
    ("refdef then html", "[ref]: /u\n<a href='x'>\n# h\n"),
    ("refdef then code", "[ref]: /u\n    code\n# h\n"),
    ("refdef then list 2", "[ref]: /u\n2. x\n# h\n"),
    ("not a refdef", "[x] done\n===\n"),
    ("bracket text setext", "[link](/u) text\n---\n"),
]

QUOTES = [
    ("quote", "> # Foo\n> bar\n> baz\n"),
    ("quote no space", "># Foo\n>bar\n> baz\n"),
    ("quote indented", "   > # Foo\n   > bar\n > baz\n"),
    ("quote indented 4", "    > # Foo\n    > bar\n    > baz\n"),
    ("quote lazy", "> # Foo\n> bar\nbaz\n"),
    ("quote lazy mixed", "> bar\nbaz\n> foo\n"),
    ("quote then hr", "> foo\n---\n"),
    ("quote list lazy", "> - foo\n- bar\n"),
    ("quote code lazy", ">     foo\n    bar\n"),
    ("quote fence lazy", "> ```\nfoo\n```\n"),
    ("quote lazy code line", "> foo\n    - bar\n"),
    ("quote empty", ">\n"),
    ("quote blanks", ">\n>  \n> \n"),
    ("quote blank ends", "> foo\n\n> bar\n"),
    ("quote joined", "> foo\n> bar\n"),
    ("quote two paragraphs", "> foo\n>\n> bar\n"),
    ("quote interrupts", "foo\n> bar\n"),
    ("quote aaa", "> aaa\n***\n> bbb\n"),
    ("quote lazy bar", "> bar\nbaz\n"),
    ("quote blank bar", "> bar\n\nbaz\n"),
    ("quote gt blank", "> bar\n>\nbaz\n"),
    ("nested quote lazy", "> > > foo\nbar\n"),
    ("nested quote mixed", ">>> foo\n> bar\n>>baz\n"),
    ("quote code", ">     code\n\n>    not code\n"),
    ("quote tab", ">\t\tfoo\n"),
    ("quote heading top after", "> text\n\n# Top\n"),
]

LISTS = [
    (
        "list item paragraphs",
        "1.  A paragraph\n    with two lines.\n\n        indented code\n\n    > A block quote.\n",
    ),
    ("list item not enough indent", "- one\n\n two\n"),
    ("list item enough", "- one\n\n  two\n"),
    ("list item deep", " -    one\n\n     two\n"),
    ("list item deep ok", " -    one\n\n      two\n"),
    ("list in quote", "   > > 1.  one\n>>\n>>     two\n"),
    ("list in quote 2", ">>- one\n>>\n  >  > two\n"),
    ("marker no space", "-one\n\n2.two\n"),
    ("list blank lines", "- foo\n\n\n  bar\n"),
    ("list many blocks", "1.  foo\n\n    ```\n    bar\n    ```\n\n    baz\n\n    > bam\n"),
    ("list code blank", "- Foo\n\n      bar\n\n\n      baz\n"),
    ("ordered 9 digits", "123456789. ok\n"),
    ("ordered 10 digits", "1234567890. not ok\n"),
    ("ordered zero", "0. ok\n\n003. ok\n"),
    ("ordered negative", "-1. not ok\n"),
    ("item code", "- foo\n\n      bar\n"),
    ("ordered item code", "  10.  foo\n\n           bar\n"),
    ("code no list", "    indented code\n\nparagraph\n\n    more code\n"),
    ("item starts code", "1.     indented code\n\n   paragraph\n\n       more code\n"),
    ("item starts code 2", "1.      indented code\n\n   paragraph\n\n       more code\n"),
    ("spaces before text", "   foo\n\nbar\n"),
    ("item five spaces", "-    foo\n\n  bar\n"),
    ("item five spaces 2", "-  foo\n\n   bar\n"),
    ("empty first line", "-\n  foo\n-\n  ```\n  bar\n  ```\n-\n      baz\n"),
    ("empty first line space", "-   \n  foo\n"),
    ("empty then blank", "-\n\n  foo\n"),
    ("empty items", "- foo\n-\n- bar\n"),
    ("empty items space", "- foo\n-   \n- bar\n"),
    ("empty ordered", "1. foo\n2.\n3. bar\n"),
    ("empty lone", "*\n"),
    ("empty no interrupt", "foo\n*\n\nfoo\n1.\n"),
    ("item indented 1", " 1.  A paragraph\n     with two lines.\n"),
    ("item indented 3", "   1.  A paragraph\n       with two lines.\n"),
    ("item indented 4", "    1.  A paragraph\n        with two lines.\n"),
    (
        "item lazy",
        "  1.  A paragraph\nwith two lines.\n\n          indented code\n\n      > A block quote.\n",
    ),
    ("item lazy 2", "  1.  A paragraph\n    with two lines.\n"),
    ("quote lazy in item", "> 1. > Blockquote\ncontinued here.\n"),
    ("quote lazy in item 2", "> 1. > Blockquote\n> continued here.\n"),
    ("nested lists", "- foo\n  - bar\n    - baz\n      - boo\n"),
    ("not nested", "- foo\n - bar\n  - baz\n   - boo\n"),
    ("nested ordered", "10) foo\n    - bar\n"),
    ("not nested ordered", "10) foo\n   - bar\n"),
    ("list in list", "- - foo\n"),
    ("list in ordered", "1. - 2. foo\n"),
    ("heading items", "- # Foo\n- Bar\n  ---\n  baz\n"),
    ("change marker", "- foo\n- bar\n+ baz\n"),
    ("change delimiter", "1. foo\n2. bar\n3) baz\n"),
    ("list interrupts", "Foo\n- bar\n- baz\n"),
    (
        "ordered interrupts only 1",
        "The number of windows in my house is\n14.  The number of doors is 6.\n",
    ),
    (
        "ordered 1 interrupts",
        "The number of windows in my house is\n1.  The number of doors is 6.\n",
    ),
    ("list blank between", "- foo\n\n- bar\n\n\n- baz\n"),
    ("list nested blanks", "- foo\n  - bar\n    - baz\n\n\n      bim\n"),
    ("list comment separator", "- foo\n- bar\n\n<!-- -->\n\n- baz\n- bim\n"),
    ("list code after comment", "-   foo\n\n    notcode\n\n-   foo\n\n<!-- -->\n\n    code\n"),
    ("list uneven", "- a\n - b\n  - c\n   - d\n  - e\n - f\n- g\n"),
    ("ordered uneven", "1. a\n\n  2. b\n\n   3. c\n"),
    ("list d code", "- a\n - b\n  - c\n   - d\n    - e\n"),
    ("ordered c code", "1. a\n\n  2. b\n\n    3. c\n"),
    ("loose", "- a\n- b\n\n- c\n"),
    ("loose empty", "* a\n*\n\n* c\n"),
    ("item blank inside", "- a\n- b\n\n  c\n- d\n"),
    ("item refdef", "- a\n- b\n\n  [ref]: /url\n- d\n"),
    ("item fence blank", "- a\n- ```\n  b\n\n\n  ```\n- c\n"),
    ("item nested para", "- a\n  - b\n\n    c\n- d\n"),
    ("item quote", "* a\n  > b\n  >\n* c\n"),
    ("item quote fence", "- a\n  > b\n  ```\n  c\n  ```\n- d\n"),
    ("single item", "- a\n"),
    ("single nested", "- a\n  - b\n"),
    ("item fence blank 2", "1. ```\n   foo\n   ```\n\n   bar\n"),
    ("item nested list", "* foo\n  * bar\n\n  baz\n"),
    ("items nested", "- a\n  - b\n  - c\n\n- d\n  - e\n  - f\n"),
    ("tab item", "-\tfoo\n"),
    ("tab item code", "-\t\tfoo\n"),
    ("tab nested", " - foo\n   - bar\n\t - baz\n"),
    ("tab heading", "#\tFoo\n"),
    ("tab thematic", "*\t*\t*\t\n"),
    ("tab item 2", "  - foo\n\tbar\n"),
    ("tab item code 2", "- foo\n\n\tbar\n"),
    ("nested deep lazy", "   - nested\n</pre>\n<span>\n    ---\n</pre>\n# H\n"),
    ("lazy over indented", "10.  item\n     text\n    # not top\n"),
]

TASKS = [
    ("ticked items", "- [x] Tests pass\n- [ ] Docs updated\n- [X] Tagged\n"),
    ("ticked star", "* [x] done\n+ [x] plus\n1. [x] ordered\n"),
    ("box in fence", "```\n- [x] Tests pass\n```\n- [ ] Tests pass\n"),
    ("box in comment", "<!--\n- [x] Tests pass\n-->\n- [ ] Tests pass\n"),
    ("box in quote", "> - [x] quoted\n"),
    ("box nested", "- parent\n  - [x] child\n"),
    ("box indented code", "    - [x] code\n"),
    ("box setext", "- [x] heading\n  ---\n"),
    ("box empty", "- [x]\n- [ ]  \n"),
    ("box no space", "- [x]done\n"),
    ("box tab", "- [x]\ttab\n"),
    ("box lazy", "- [x] one\ncontinued\n"),
    ("box after text", "text\n- [x] interrupts\n"),
    ("box wide", "-  [x] two spaces\n"),
    ("box refdef like", "- [x]: /url\n"),
    ("box not item", "[x] plain\n"),
]

TABLES = [
    ("table", "| Date | Who |\n| -- | -- |\n| 2026-01-02 | @a |\n"),
    ("table in fence", "```\n| 2026-01-02 | @a |\n```\n"),
    ("table in comment", "<!--\n| 2026-01-02 | @a |\n-->\n"),
    ("table then heading", "| a |\n| - |\n| b |\n## After\n"),
    ("pipe heading", "## Risks | rollback\n"),
    ("table or setext", "| Risks |\n---\n"),
    ("table without outer pipes", "Date | Who\n--- | ---\n2026-01-02 | @a\nmore\n\nafter\n"),
    ("table interrupts paragraph", "Some text\n| Date |\n| -- |\n| 2026-01-02 |\n"),
    ("table columns differ", "| a | b |\n| -- |\n| c |\n"),
    ("table ends at heading", "| a |\n| - |\n| b |\n# h\n| c |\n"),
    ("table ends at list", "| a |\n| - |\n| b |\n- item\n"),
    ("table escaped pipe", "| a \\| b |\n| -- |\n| c |\n"),
    ("table in list", "- item\n\n  | a |\n  | - |\n  | b |\n"),
    ("table after heading", "## Log\n| a |\n| - |\n"),
    ("pipe paragraph no table", "| 2026-01-02 | v1 |\n| 2026-02-02 | v2 |\n"),
    ("table or setext 2", "Risks | rollback\n--- | ---\n"),
]

REAL = [
    (
        "adr template",
        "# ADR 7: Use PostgreSQL\n\n* Status: accepted\n* Deciders: @a, @b\n* Date: 2026-01-02\n\n"
        "## Context and Problem Statement\n\nWe need a database.\n\n"
        "## Considered Options\n\n* PostgreSQL\n* MySQL\n\n## Decision Outcome\n\n"
        'Chosen option: "PostgreSQL", because\n\n### Positive Consequences\n\n* x\n\n'
        "### Negative Consequences\n\n* y\n",
    ),
    (
        "rfc template",
        "- Feature Name: my_feature\n- Start Date: 2026-01-02\n- RFC PR: [rust-lang/rfcs#0000]"
        "(https://github.com/rust-lang/rfcs/pull/0000)\n\n# Summary\n[summary]: #summary\n\n"
        "One paragraph explanation of the feature.\n\n# Motivation\n[motivation]: #motivation\n\n"
        "Why are we doing this?\n\n# Guide-level explanation\n"
        "[guide-level-explanation]: #guide-level-explanation\n\nExplain the proposal.\n",
    ),
    (
        "readme badges",
        '<h1 align="center">Tool</h1>\n<p align="center">\n<a href="x"><img src="y"></a>\n'
        "</p>\n\n## Install\n\n```console\n$ pip install tool\n```\n\n## Usage\n\n```python\n"
        "# not a heading\nimport tool\n```\n\n## License\n\nMIT\n",
    ),
    (
        "readme setext",
        "Project\n=======\n\nA tool.\n\nInstallation\n------------\n\n    pip install project\n\n"
        "Usage\n-----\n\n>>> import project\n",
    ),
    (
        "changelog",
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- New thing\n\n## [1.0.0] - 2026-01-02\n\n"
        "### Fixed\n\n- Bug\n\n[Unreleased]: https://example.com/compare/v1.0.0...HEAD\n"
        "[1.0.0]: https://example.com/releases/v1.0.0\n",
    ),
    (
        "docs page admonition",
        "# Guide\n\n!!! note\n    This is a note.\n\n## Steps\n\n1. First\n\n   ```bash\n   make\n"
        "   ```\n\n2. Second\n\n## Troubleshooting\n\n> **Warning**\n> Read this.\n",
    ),
    (
        "team rfc edits",
        '---\ntitle: "x"\n---\n\n# RFC: x\n\n## Summary\n\nWe move the ledger.\n\n'
        "## Motivation\n\n<!-- TODO later\n## Goals and non-goals\n-->\n\n"
        "## Proposal\n\n```sql\nSELECT 1;\n```\n\nRisks\n-----\n\nSome.\n",
    ),
    (
        "test plan log",
        "# Manual test plan\n\n## Scope\n\nAll.\n\n## Execution log\n\n| Date | Release | Who | Result |\n"
        "| -- | -- | -- | -- |\n| 2026-01-02 | v1.0.0 | @a | pass |\n\n```\n| 2030-01-01 | example |\n```\n",
    ),
    (
        "release checklist",
        "# Release v1.2.0\n\n## Before the tag\n\n- [x] Tests pass on main\n- [ ] Changelog written\n"
        "  - [x] nested note\n\n## Sign-off\n\n| Role | Who | Date |\n| -- | -- | -- |\n"
        "| Owner | @a | 2026-01-02 |\n",
    ),
    (
        "github issue form",
        "### Describe the bug\n\nA clear description.\n\n### To Reproduce\n\n1. Go to '...'\n"
        "2. Click on '....'\n\n### Expected behavior\n\n<details><summary>Logs</summary>\n\n```\n"
        "trace\n```\n\n</details>\n",
    ),
]

GROUPS = {
    "issue": ISSUE,
    "atx": ATX,
    "setext": SETEXT,
    "thematic": THEMATIC,
    "code": CODE,
    "fence": FENCES,
    "html": HTML,
    "reference": REFERENCES,
    "quote": QUOTES,
    "list": LISTS,
    "task": TASKS,
    "table": TABLES,
    "real": REAL,
}

FRAGMENTS = (
    "# H",
    "## Risks",
    "  ## Ind",
    "##\tTab\t",
    "Title",
    "===",
    "---",
    "- - -",
    "***",
    "- item",
    "-",
    "* x",
    "1. one",
    "2. two",
    "1) p",
    "  cont",
    "    code",
    "\tcode",
    "```",
    "```py",
    "~~~",
    "````",
    "``` `b`",
    "> quote",
    ">",
    "> ## q",
    "> ```",
    "<!--",
    "-->",
    "<!-- c -->",
    "<div>",
    "</div>",
    "<pre>",
    "</pre>",
    "<a href='x'>",
    "<span>",
    "",
    "",
    "",
    "text",
    "more text",
    "[ref]: /u",
    "[x] foo",
    "- [x] done",
    "- [ ] open",
    "   - nested",
    "      deep",
    "> - q item",
    ">     qcode",
    "<?x",
    "?>",
    "  > lazy",
    "10. ten",
    "- ```",
    "  ```",
    "   ```",
    "     ```",
    "- # h",
    "  # h2",
    "\\# esc",
    "# closed ##",
    "#5",
    "  ---",
    "    ---",
    "=",
    "- =",
    "<script>",
    "</script>",
    "<![CDATA[",
    "]]>",
    "*\tstar",
    "-\t\tx",
    ">\t\tq",
    "- ",
    "-  x",
    "+ y",
    "- **b**",
    "- __u__",
    "- ***",
    "- * x",
    "- _TODO_",
    "a|b",
)


def generated(count: int, seed: int = 22) -> list[tuple[str, str]]:
    """Documents put together from the lines above: the combinations nobody writes by hand."""
    chance = random.Random(seed)
    return [
        (
            f"generated {number}",
            "\n".join(chance.choice(FRAGMENTS) for _ in range(chance.randint(1, 12))) + "\n",
        )
        for number in range(count)
    ]


def real_world() -> Iterator[tuple[str, str]]:
    """Whole documents: this repository's pages, and READMEs the dev environment installed."""
    for path in sorted(ROOT.glob("*.md")) + sorted((ROOT / "docs").rglob("*.md")):
        yield f"repo {path.relative_to(ROOT).as_posix()}", path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "template").rglob("*.md*")):
        yield f"template {path.relative_to(ROOT).as_posix()}", path.read_text(encoding="utf-8")
    site = Path(sys.prefix) / "lib"
    for metadata in sorted(site.glob("python3*/site-packages/*.dist-info/METADATA")):
        head, _, body = metadata.read_text(encoding="utf-8", errors="replace").partition("\n\n")
        if "Description-Content-Type: text/markdown" in head and body.strip():
            yield f"readme {metadata.parent.name}", body


def corpus() -> list[tuple[str, str]]:
    """Every case: by hand, real documents, and generated ones."""
    cases = [(f"{group}: {name}", text) for group, items in GROUPS.items() for name, text in items]
    return [*cases, *real_world(), *generated(300)]

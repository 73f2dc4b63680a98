"""Each language, each verdict: real programs through the real sandbox."""

from __future__ import annotations

import pytest

from judge.limits import Limits
from judge.runner import GroupSpec, TaskSpec, TestSpec
from judge.selftest import self_test
from judge.verdicts import Verdict

# language -> verdict -> program; every program reads "3 4" and the right answer is 7
PROGRAMS = {
    "python3": {
        Verdict.AC: "a, b = map(int, input().split())\nprint(a + b)\n",
        Verdict.WA: "a, b = map(int, input().split())\nprint(a - b)\n",
        Verdict.TLE: "while True:\n    pass\n",
        Verdict.MLE: "chunks = []\nwhile True:\n    chunks.append(bytearray(16 << 20))\n",
        Verdict.RE: "a, b = map(int, input().split())\nprint(a // (b - 4))\n",
        Verdict.CE: "def broken(:\n    pass\n",
        Verdict.OLE: "while True:\n    print('x' * 1000)\n",
    },
    "c": {
        Verdict.AC: '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);}\n',
        Verdict.WA: '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a*b);}\n',
        Verdict.TLE: "int main(void){volatile unsigned long i=0;for(;;)i++;}\n",
        Verdict.MLE: (
            "#include <stdlib.h>\n#include <string.h>\nint main(void){for(;;){char*p=malloc(16<<20);"
            "if(!p)return 9;memset(p,7,16<<20);}}\n"
        ),
        Verdict.RE: "int main(void){volatile int*p=0;*p=1;return 0;}\n",
        Verdict.CE: "int main(void){ return undeclared_thing; }\n",
        Verdict.OLE: '#include <stdio.h>\nint main(void){for(;;)puts("xxxxxxxxxxxxxxxxxxxxxxxx");}\n',
    },
    "cpp": {
        Verdict.AC: "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a+b<<'\\n';}\n",
        Verdict.WA: "#include <iostream>\nint main(){int a,b;std::cin>>a>>b;std::cout<<a<<'\\n';}\n",
        Verdict.TLE: "int main(){volatile unsigned long i=0;for(;;)i++;}\n",
        Verdict.MLE: (
            "#include <vector>\n#include <cstring>\nint main(){std::vector<char*> v;for(;;){char*p=new char[16<<20];"
            "std::memset(p,7,16<<20);v.push_back(p);}}\n"
        ),
        Verdict.RE: '#include <stdexcept>\nint main(){throw std::runtime_error("boom");}\n',
        Verdict.CE: "#include <iostream>\nint main(){ std::cout << missing; }\n",
        Verdict.OLE: '#include <iostream>\nint main(){for(;;)std::cout<<"xxxxxxxxxxxxxxxx\\n";}\n',
    },
    "java": {
        Verdict.AC: (
            "import java.util.*;\npublic class Main{public static void main(String[] x){Scanner s=new Scanner(System.in);"
            "int a=s.nextInt(),b=s.nextInt();System.out.println(a+b);}}\n"
        ),
        Verdict.WA: "public class Main{public static void main(String[] x){System.out.println(8);}}\n",
        Verdict.TLE: "public class Main{public static void main(String[] x){long i=0;while(true){i++;}}}\n",
        Verdict.MLE: (
            "import java.util.*;\npublic class Main{public static void main(String[] x){List<long[]> l=new ArrayList<>();"
            "while(true){l.add(new long[1<<20]);}}}\n"
        ),
        Verdict.RE: "public class Main{public static void main(String[] x){int[] a=new int[1];a[5]=1;}}\n",
        Verdict.CE: "public class Main{public static void main(String[] x){int y = ;}}\n",
        Verdict.OLE: 'public class Main{public static void main(String[] x){while(true)System.out.println("xxxxxxxxxxxxxxxx");}}\n',
    },
    "javascript": {
        Verdict.AC: "const [a,b]=require('fs').readFileSync(0,'utf8').trim().split(/\\s+/).map(Number);console.log(a+b);\n",
        Verdict.WA: "console.log(42);\n",
        Verdict.TLE: "for(;;){}\n",
        Verdict.MLE: "const a=[];for(;;){a.push(new Array(1<<20).fill(1.5));}\n",
        Verdict.RE: "null.boom();\n",
        Verdict.CE: "function (){\n",
        Verdict.OLE: "const s='x'.repeat(1000)+'\\n';for(;;){process.stdout.write(s);}\n",
    },
    "rust": {
        Verdict.AC: (
            "use std::io::Read;fn main(){let mut s=String::new();std::io::stdin().read_to_string(&mut s).unwrap();"
            'let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();println!("{}",v[0]+v[1]);}\n'
        ),
        Verdict.WA: 'fn main(){println!("0");}\n',
        Verdict.TLE: 'fn main(){let mut i:u64=1;loop{i=i.wrapping_mul(6364136223846793005).wrapping_add(1);if i==0{println!("{}",i);}}}\n',
        Verdict.MLE: "fn main(){let mut v:Vec<Vec<u8>>=Vec::new();loop{v.push(vec![7u8;16<<20]);}}\n",
        Verdict.RE: 'fn main(){let v:Vec<i32>=Vec::new();println!("{}",v[3]);}\n',
        Verdict.CE: 'fn main(){ let x: i32 = "no"; }\n',
        Verdict.OLE: 'fn main(){loop{println!("xxxxxxxxxxxxxxxxxxxxxxxx");}}\n',
    },
}

TASK_LIMITS = {
    "java": Limits(cpu_ms=2_000, memory_mb=256, stdout_bytes=1 << 20),
}
DEFAULT_LIMITS = Limits(cpu_ms=1_000, memory_mb=128, stdout_bytes=1 << 20)
CASES = [(lang, verdict) for lang, table in PROGRAMS.items() for verdict in table]


def task_for(language: str) -> TaskSpec:
    test = TestSpec("sample", b"3 4\n", b"7\n", visible=True)
    return TaskSpec(
        groups=(GroupSpec("all", 10, (test,)),), limits=TASK_LIMITS.get(language, DEFAULT_LIMITS)
    )


def test_every_language_passes_its_self_test(judge):
    statuses = self_test(judge)
    assert {s.id for s in statuses.values() if s.available} == set(PROGRAMS)
    assert all(s.version for s in statuses.values())


@pytest.mark.parametrize(
    ("language", "expected"), CASES, ids=[f"{lang}-{v.value}" for lang, v in CASES]
)
def test_verdict(judge, language, expected):
    result = judge.judge(task_for(language), language, PROGRAMS[language][expected])
    assert result.verdict is expected, result.to_json()
    if expected is Verdict.CE:
        assert result.compile_output.strip()
        assert result.tests == []
        return
    (test,) = result.tests
    assert test.verdict is expected
    limits = TASK_LIMITS.get(language, DEFAULT_LIMITS)
    if expected is Verdict.AC:
        assert result.score == 10
        assert test.stdout == "7\n"
    else:
        assert result.score == 0
    if expected is Verdict.TLE:
        assert limits.cpu_ms <= test.cpu_ms < limits.cpu_ms + 500
    if expected is Verdict.MLE:
        assert test.memory_kb <= limits.memory_mb * 1024 + 1024
    if expected is Verdict.RE:
        assert test.signal is not None or test.exit_code not in (None, 0)

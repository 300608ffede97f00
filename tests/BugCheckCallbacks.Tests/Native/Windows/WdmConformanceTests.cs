namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// include/bugcheck_callbacks.h against a real wdm.h: mingw-w64's <c>ddk/wdm.h</c>. Conformance/wdm_facts.h lists every
/// size, field offset and size, and enumerator or constant value the two share, as _Static_asserts; compiled once against
/// each header, both compile only when both agree with every number, and so with each other.
/// </summary>
public sealed class WdmConformanceTests
{
    private static readonly string s_folder = Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "Windows", "Conformance");

    [MingwTheory]
    [InlineData("ours")]
    [InlineData("theirs")]
    public void Every_shared_layout_fact_holds_for_the_header_and_for_mingw_w64s_wdm_h(string unit)
    {
        var compile = () => MingwToolchain.Compile(Path.Combine(s_folder, unit + ".c"), ObjectFile(unit), "-c");

        compile.Should().NotThrow();
    }

    [MingwTheory]
    [InlineData("ours")]
    [InlineData("theirs")]
    public void A_wrong_fact_fails_the_build_against_either_header_and_names_the_field(string unit)
    {
        var compile = () => MingwToolchain.Compile(Path.Combine(s_folder, unit + ".c"), ObjectFile(unit), "-c", "-DBCC_WRONG_FACT");

        compile.Should().Throw<InvalidOperationException>().WithMessage("*KBUGCHECK_REASON_CALLBACK_RECORD.Reason is not at 0x2C*");
    }

    private static string ObjectFile(string unit) => Path.Combine(Directory.CreateTempSubdirectory("bcc-wdm-").FullName, unit + ".o");
}

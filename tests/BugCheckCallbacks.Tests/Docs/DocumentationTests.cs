using System.Reflection;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Cli.Commands;
using BugCheckCallbacks.Simulation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace BugCheckCallbacks.Tests.Docs;

/// <summary>Keeps README.md and docs/ honest: every C# sample compiles (and programs run), generated tables are current.</summary>
public sealed partial class DocumentationTests
{
    // What a `dotnet new console` project with ImplicitUsings has, the setting the samples assume.
    private const string ImplicitUsings = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading; global using System.Threading.Tasks;";

    private static readonly string s_root = RepositoryRoot.Path;
    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    public static TheoryData<string, int> Samples()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in MarkdownFiles())
        {
            var count = CSharpBlock().Count(File.ReadAllText(file));
            for (var i = 0; i < count; i++)
            {
                data.Add(Path.GetRelativePath(s_root, file), i);
            }
        }

        return data;
    }

    [Fact]
    public void The_documentation_has_samples() => Samples().Count.Should().BeGreaterThanOrEqualTo(3);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_csharp_sample_compiles_and_programs_run(string file, int index)
    {
        var code = CSharpBlock().Matches(File.ReadAllText(Path.Combine(s_root, file)))[index].Groups[1].Value;
        var isProgram = !code.Contains("public sealed class", StringComparison.Ordinal);
        var compilation = CSharpCompilation.Create(
            $"Sample_{Path.GetFileNameWithoutExtension(file)}_{index}",
            [CSharpSyntaxTree.ParseText(code, s_parseOptions), CSharpSyntaxTree.ParseText(ImplicitUsings, s_parseOptions)],
            References(),
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())
            .Should().BeEmpty($"sample {index} of {file} must compile");

        if (isProgram)
        {
            var assembly = Assembly.Load(image.ToArray());
            var output = new StringWriter();
            var original = Console.Out;
            lock (s_consoleGate)
            {
                Console.SetOut(output);
                try
                {
                    assembly.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
                }
                finally
                {
                    Console.SetOut(original);
                }
            }

            output.ToString().Should().NotBeEmpty($"sample {index} of {file} prints what it shows");
        }
    }

    /// <summary>Every <c>```sh runnable</c> block of README.md and docs/, by file and position.</summary>
    public static TheoryData<string, int> RunnableBlocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in MarkdownFiles())
        {
            var count = RunnableBlock().Count(File.ReadAllText(file));
            for (var i = 0; i < count; i++)
            {
                data.Add(Path.GetRelativePath(s_root, file), i);
            }
        }

        return data;
    }

    [Fact]
    public void The_documentation_has_runnable_command_blocks() => RunnableBlocks().Count.Should().BeGreaterThanOrEqualTo(5);

    /// <summary>
    /// Runs a block's lines one by one with bash, in a fresh folder, as a user pastes them: <c>bugcheck</c> is the built CLI
    /// (<c>dotnet run --project src/BugCheckCallbacks.Cli --</c> too), so quoting and redirection are the shell's own. A
    /// line exits 0 unless its comment says <c># exit N</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(RunnableBlocks))]
    public async Task Every_runnable_command_block_runs_as_written(string file, int index)
    {
        var block = RunnableBlock().Matches(File.ReadAllText(Path.Combine(s_root, file)))[index].Groups[1].Value;
        var folder = Directory.CreateTempSubdirectory("bugcheck-docs-").FullName;
        try
        {
            var cli = typeof(BugCheckCallbacks.Cli.BugCheckCli).Assembly.Location;
            foreach (var line in block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var expected = ExpectedExit().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
                var command = line.Replace("dotnet run --project src/BugCheckCallbacks.Cli --", "bugcheck", StringComparison.Ordinal);
                var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"bugcheck() {{ dotnet '{cli}' \"$@\"; }}\n{command}");
                start.Environment["DOTNET_NOLOGO"] = "1";
                start.Environment["NO_COLOR"] = "1";
                using var process = System.Diagnostics.Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var error = await process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await process.WaitForExitAsync(timeout.Token);
                process.ExitCode.Should().Be(expected, $"'{line}' of {file} block {index} runs as written:\n{error}\n{await output}");
                if (expected == 0)
                {
                    error.Should().NotContain("error:", $"'{line}' reports no error");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void README_quick_start_does_what_it_says()
    {
        var code = CSharpBlock().Matches(File.ReadAllText(Path.Combine(s_root, "README.md")))[0].Groups[1].Value;
        code.Should().Contain("kernel.Callbacks.RegisterSecondaryDumpData(record").And.NotContain("(SecondaryDumpData)", "the quick start needs no cast");
        Every_csharp_sample_compiles_and_programs_run("README.md", 0);
    }

    [Fact]
    public void Contract_reasons_table_is_generated_from_the_metadata() =>
        Between(File.ReadAllText(Path.Combine(s_root, "docs", "contract.md")), "reasons").Should().Be(ReasonsCommand.Markdown());

    [Fact]
    public void Verifier_table_is_generated_from_the_rules()
    {
        var expected = "| Code | Kind | Meaning |\n|---|---|---|\n" + string.Concat(VerifierRules.All.Select(kind =>
            $"| {VerifierRules.GetCode(kind)} | `{kind}` | {VerifierRules.GetDescription(kind)} |\n"));
        Between(File.ReadAllText(Path.Combine(s_root, "docs", "verifier.md")), "violations").Should().Be(expected);
    }

    [Fact]
    public void Every_documentation_page_the_index_links_exists()
    {
        foreach (var page in new[] { "index.md", "getting-started.md", "contract.md", "simulation.md", "verifier.md", "testing.md", "native.md", "dump-format.md", "cli.md", "performance.md" })
        {
            File.Exists(Path.Combine(s_root, "docs", page)).Should().BeTrue(page);
        }

        File.Exists(Path.Combine(s_root, "CHANGELOG.md")).Should().BeTrue();
    }

    private static readonly object s_consoleGate = new();

    private static IEnumerable<string> MarkdownFiles() =>
        Directory.GetFiles(Path.Combine(s_root, "docs"), "*.md").Prepend(Path.Combine(s_root, "README.md")).Order(StringComparer.Ordinal);

    private static List<MetadataReference> References()
    {
        _ = typeof(global::FluentAssertions.AssertionExtensions);
        GC.KeepAlive(typeof(global::BugCheckCallbacks.FluentAssertions.BugCheckAssertionExtensions).Assembly); // loaded, so the samples can use it
        _ = typeof(Xunit.FactAttribute);
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
            .Concat(Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
                .Where(IsManagedAssembly)
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)))
            .Append(MetadataReference.CreateFromFile(typeof(SimulatedKernel).Assembly.Location))
            .GroupBy(r => Path.GetFileName(r.Display), StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .ToList();
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string Between(string text, string marker)
    {
        var begin = $"<!-- {marker}:begin -->\n";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- {marker}:end -->", StringComparison.Ordinal);
        start.Should().BeGreaterThan(-1);
        end.Should().BeGreaterThan(start);
        return text[(start + begin.Length)..end];
    }

    [GeneratedRegex("```sh runnable\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex RunnableBlock();

    [GeneratedRegex(@"#\s*exit (\d)")]
    private static partial Regex ExpectedExit();

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

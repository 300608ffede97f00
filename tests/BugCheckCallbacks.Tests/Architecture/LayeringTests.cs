using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Tests.Architecture;

/// <summary>
/// The library's layering (docs/architecture.md, issue 39): which part may use which, read from the built assembly's
/// metadata — every type a part's types name in their signatures, fields, locals, base types and method bodies,
/// resolved by token, not by matching names as text. A type's part is its namespace's (the root namespace is Contract).
/// </summary>
public sealed class LayeringTests
{
    /// <summary>The parts and the parts each may use directly; a part may use what those may use, and so on.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Arrows = new Dictionary<string, string[]>
    {
        ["Contract"] = [],
        ["Interop"] = ["Contract"],
        ["Registration"] = ["Contract"],
        ["Dump"] = ["Contract"],
        ["Binary"] = ["Contract"],
        ["Forensics"] = ["Dump"],
        ["Simulation"] = ["Registration", "Dump"],
        ["Native"] = ["Simulation", "Interop"],
        ["Checking"] = ["Simulation", "Native"],
    };

    /// <summary>
    /// The CLI's parts and the parts each may use directly (not through others: the program and its commands still use
    /// each other, which issue 43 takes apart). "Cli" is the root namespace: the program and its helpers.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string[]> CliArrows = new Dictionary<string, string[]>
    {
        ["Cli"] = ["Commands", "Output", "Reading", "Scenarios"],
        ["Commands"] = ["Cli", "Output", "Reading", "Report", "Scenarios"],
        ["Output"] = ["Cli", "Reading"],
        ["Report"] = ["Cli", "Reading"],
        ["Reading"] = ["Cli"],
        ["Scenarios"] = ["Cli"],
    };

    [Fact]
    public void The_CLIs_report_reads_what_the_commands_read_and_never_uses_a_command()
    {
        var breaches = Breaches(typeof(BugCheckCallbacks.Cli.BugCheckCli).Assembly.Location, "BugCheckCallbacks.Cli", "Cli", CliArrows, transitive: false);

        breaches.Should().BeEmpty("the CLI's parts use only the parts docs/architecture.md's second table allows");
    }

    [Fact]
    public void Every_part_uses_only_the_parts_its_arrows_allow()
    {
        var breaches = Breaches(typeof(BugCheckCallbacks.Simulation.SimulatedKernel).Assembly.Location, "BugCheckCallbacks", "Contract", Arrows, transitive: true);

        breaches.Should().BeEmpty("a part may use only the parts docs/architecture.md's table allows");
    }

    [Fact]
    public void The_check_finds_uses_in_method_bodies_and_signatures_resolved_by_token()
    {
        var uses = Uses(typeof(BugCheckCallbacks.Simulation.SimulatedKernel).Assembly.Location);

        // BugCheckRun names KernelAllocationLedger only inside method bodies (a static property call while probing).
        uses.Should().Contain(("BugCheckCallbacks.Simulation.BugCheckRun", "BugCheckCallbacks.Registration.KernelAllocationLedger"));
        // SimulatedKernel.Callbacks returns the registry: a signature.
        uses.Should().Contain(("BugCheckCallbacks.Simulation.SimulatedKernel", "BugCheckCallbacks.Registration.BugCheckCallbackRegistry"));
        // A generic argument: BugCheckOutcome holds an IReadOnlyList<Violation>.
        uses.Should().Contain(("BugCheckCallbacks.Simulation.BugCheckOutcome", "BugCheckCallbacks.Simulation.Violation"));
    }

    [Fact]
    public void The_architecture_documents_tables_are_the_tests_tables()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "architecture.md"));
        Table(text, "arrows").Should().BeEquivalentTo(Arrows);
        Table(text, "cli-arrows").Should().BeEquivalentTo(CliArrows);

        static Dictionary<string, string[]> Table(string text, string marker)
        {
            var table = text[text.IndexOf($"<!-- {marker}:begin -->", StringComparison.Ordinal)..text.IndexOf($"<!-- {marker}:end -->", StringComparison.Ordinal)];
            return table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Part", StringComparison.Ordinal))
                .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
                .ToDictionary(cells => cells[1], cells => cells[3] == "—" ? [] : cells[3].Split(", "));
        }
    }

    /// <summary>
    /// The uses from one part to another that <paramref name="arrows"/> do not allow, as "From → To: type uses type". A
    /// type's part is the first namespace segment under <paramref name="root"/> that names a part, else <paramref name="rootPart"/>;
    /// <paramref name="transitive"/> lets a part use what its arrows' parts may use, and so on.
    /// </summary>
    internal static string[] Breaches(string assemblyPath, string root, string rootPart, IReadOnlyDictionary<string, string[]> arrows, bool transitive)
    {
        var allowed = arrows.Keys.ToDictionary(part => part, part => transitive ? Reachable(part, arrows) : [.. arrows[part]]);
        return
        [
            .. Uses(assemblyPath)
                .Select(u => (u.From, u.To, FromPart: PartOf(u.From), ToPart: PartOf(u.To)))
                .Where(u => u.FromPart != u.ToPart && !allowed[u.FromPart].Contains(u.ToPart))
                .Select(u => $"{u.FromPart} → {u.ToPart}: {u.From} uses {u.To}")
                .Distinct()
                .Order(StringComparer.Ordinal),
        ];

        string PartOf(string fullName)
        {
            var rest = fullName.StartsWith(root + ".", StringComparison.Ordinal) ? fullName[(root.Length + 1)..] : string.Empty;
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            var first = dot < 0 ? string.Empty : rest[..dot];
            return arrows.ContainsKey(first) ? first : rootPart;
        }
    }

    private static HashSet<string> Reachable(string part, IReadOnlyDictionary<string, string[]> arrows)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>(arrows[part]);
        while (stack.TryPop(out var next))
        {
            if (seen.Add(next))
            {
                foreach (var further in arrows[next])
                {
                    stack.Push(further);
                }
            }
        }

        return seen;
    }

    /// <summary>Every (using type, used type) pair of the assembly's own types, by full name; nested types count as their outermost type.</summary>
    internal static HashSet<(string From, string To)> Uses(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new OwnTypeNames(reader);
        var uses = new HashSet<(string, string)>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            var from = names.OuterName(handle);
            void Add(IEnumerable<string> used)
            {
                foreach (var name in used)
                {
                    uses.Add((from, name));
                }
            }

            if (!type.BaseType.IsNil)
            {
                Add(names.Of(type.BaseType));
            }

            foreach (var implementation in type.GetInterfaceImplementations())
            {
                Add(names.Of(reader.GetInterfaceImplementation(implementation).Interface));
            }

            foreach (var field in type.GetFields())
            {
                Add(reader.GetFieldDefinition(field).DecodeSignature(names, null));
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                var signature = method.DecodeSignature(names, null);
                Add(signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p)));
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    Add(reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null).SelectMany(l => l));
                }

                foreach (var token in BodyTokens(body))
                {
                    Add(names.Of(token));
                }
            }
        }

        return uses;
    }

    /// <summary>Resolves handles and signatures to the assembly's own type names (other assemblies' types are left out).</summary>
    private sealed class OwnTypeNames(MetadataReader reader) : ISignatureTypeProvider<IEnumerable<string>, object?>
    {
        public string OuterName(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.GetDeclaringType() is { IsNil: false } outer)
            {
                type = reader.GetTypeDefinition(outer);
            }

            return $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
        }

        /// <summary>The own types a token names: a type, a member's declaring type and signature, a generic instance's arguments.</summary>
        public IEnumerable<string> Of(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return [OuterName((TypeDefinitionHandle)handle)];
                case HandleKind.TypeSpecification:
                    return reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.MethodDefinition:
                    return [OuterName(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType())];
                case HandleKind.FieldDefinition:
                    return [OuterName(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType())];
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    var parent = member.Parent.Kind is HandleKind.TypeSpecification or HandleKind.TypeDefinition ? Of((EntityHandle)member.Parent) : [];
                    var signature = member.GetKind() == MemberReferenceKind.Field
                        ? member.DecodeFieldSignature(this, null)
                        : member.DecodeMethodSignature(this, null) is var m ? m.ReturnType.Concat(m.ParameterTypes.SelectMany(p => p)) : [];
                    return parent.Concat(signature);
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return Of(specification.Method).Concat(specification.DecodeSignature(this, null).SelectMany(a => a));
                default:
                    return [];
            }
        }

        public IEnumerable<string> GetArrayType(IEnumerable<string> elementType, ArrayShape shape) => elementType;

        public IEnumerable<string> GetByReferenceType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetFunctionPointerType(MethodSignature<IEnumerable<string>> signature) =>
            signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p));

        public IEnumerable<string> GetGenericInstantiation(IEnumerable<string> genericType, System.Collections.Immutable.ImmutableArray<IEnumerable<string>> typeArguments) =>
            genericType.Concat(typeArguments.SelectMany(a => a));

        public IEnumerable<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public IEnumerable<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public IEnumerable<string> GetModifiedType(IEnumerable<string> modifier, IEnumerable<string> unmodifiedType, bool isRequired) => unmodifiedType;

        public IEnumerable<string> GetPinnedType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetPointerType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public IEnumerable<string> GetSZArrayType(IEnumerable<string> elementType) => elementType;

        public IEnumerable<string> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => [OuterName(handle)];

        public IEnumerable<string> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public IEnumerable<string> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }

    /// <summary>The metadata tokens an IL body names (call, newobj, ldfld, ldtoken, castclass ...).</summary>
    private static IEnumerable<EntityHandle> BodyTokens(MethodBodyBlock body)
    {
        var il = body.GetILReader();
        var tokens = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            int code = il.ReadByte();
            if (code == 0xFE)
            {
                code = 0xFE00 | il.ReadByte();
            }

            switch (OperandOf(code))
            {
                case Operand.Token:
                    var token = il.ReadInt32();
                    var handle = MetadataTokens.EntityHandle(token);
                    tokens.Add(handle);
                    break;
                case Operand.Switch:
                    var count = il.ReadInt32();
                    il.Offset += count * 4;
                    break;
                case var size:
                    il.Offset += (int)size;
                    break;
            }
        }

        return tokens;
    }

    private enum Operand
    {
        None = 0,
        One = 1,
        Two = 2,
        Four = 4,
        Eight = 8,
        Token = 100,
        Switch = 101,
    }

    /// <summary>The operand of each IL opcode (ECMA-335 III): tokens for the member and type instructions, sizes for the rest.</summary>
    private static Operand OperandOf(int code) => code switch
    {
        0x0E or 0x0F or 0x10 or 0x11 or 0x12 or 0x13 or 0x1F or 0xDE => Operand.One, // ldarg.s .. stloc.s, ldc.i4.s, leave.s
        >= 0x2B and <= 0x37 => Operand.One, // short branches
        0x20 or 0x22 => Operand.Four, // ldc.i4, ldc.r4
        0x21 or 0x23 => Operand.Eight, // ldc.i8, ldc.r8
        >= 0x38 and <= 0x44 => Operand.Four, // long branches
        0xDD => Operand.Four, // leave
        0x45 => Operand.Switch,
        0x27 or 0x28 or 0x29 or 0x6F or 0x73 or 0x74 or 0x75 or 0x79 or 0x7B or 0x7C or 0x7D or 0x7E or 0x7F or 0x80
            or 0x81 or 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0 or 0x70 or 0x71 => Operand.Token,
        0x72 => Operand.Four, // ldstr: a user-string token, no type
        0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C => Operand.Token, // ldftn, ldvirtftn, initobj, constrained., sizeof
        0xFE09 or 0xFE0A or 0xFE0B or 0xFE0C or 0xFE0D or 0xFE0E => Operand.Two, // ldarg .. stloc
        0xFE12 or 0xFE19 => Operand.One, // unaligned., no.
        _ => Operand.None,
    };
}

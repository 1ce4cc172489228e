using System;

[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices;

/// <summary>
/// Tells the runtime to skip visibility checks from this assembly into the named one. We compile against publicized
/// copies of ML.NET's assemblies (build/MLNetPublicizer.targets) to reach its model persistence API, which ML.NET keeps
/// internal; without this attribute those calls throw MethodAccessException at run time.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute : Attribute
{
    /// <summary>Creates the attribute for <paramref name="assemblyName"/>.</summary>
    public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

    /// <summary>Simple name of the assembly whose internals we call.</summary>
    public string AssemblyName { get; }
}

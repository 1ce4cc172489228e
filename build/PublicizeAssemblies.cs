// MSBuild task (compiled by RoslynCodeTaskFactory from build/MLNetPublicizer.targets): writes copies of assemblies
// with every type and member made public, so the ML.NET surface can compile against ML.NET's internal persistence API.
// The copies are compile-time references only; at run time the real assemblies load and
// [assembly: IgnoresAccessChecksTo] lets the calls through.
using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Mono.Cecil;

public sealed class PublicizeAssemblies : Task
{
    [Required] public ITaskItem[] Assemblies { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string OutputDirectory { get; set; } = "";
    [Output] public ITaskItem[] Publicized { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        var outputs = new System.Collections.Generic.List<ITaskItem>();
        foreach (var item in Assemblies)
        {
            string source = item.GetMetadata("FullPath");
            string target = Path.Combine(OutputDirectory, Path.GetFileName(source));
            outputs.Add(new TaskItem(target));
            if (File.Exists(target) && File.GetLastWriteTimeUtc(target) >= File.GetLastWriteTimeUtc(source))
                continue;
            var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(Path.GetDirectoryName(source));
            using (var module = ModuleDefinition.ReadModule(source, new ReaderParameters { AssemblyResolver = resolver }))
            {
                foreach (var type in module.GetTypes())
                {
                    if (type.IsNested) type.IsNestedPublic = true; else type.IsPublic = true;
                    var eventNames = new System.Collections.Generic.HashSet<string>(type.Events.Select(e => e.Name));
                    foreach (var method in type.Methods) method.IsPublic = true;
                    foreach (var field in type.Fields)
                        if (!eventNames.Contains(field.Name)) field.IsPublic = true;
                }
                string tmp = target + ".tmp";
                module.Write(tmp);
                File.Copy(tmp, target, true);
                File.Delete(tmp);
            }
            Log.LogMessage(MessageImportance.Normal, "Publicized {0} -> {1}", source, target);
        }
        Publicized = outputs.ToArray();
        return !Log.HasLoggedErrors;
    }
}

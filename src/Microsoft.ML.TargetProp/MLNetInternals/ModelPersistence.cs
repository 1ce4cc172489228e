using System;
using System.IO;
using System.Runtime.CompilerServices;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// The one place that writes to and reads from ML.NET's internal model contexts. Every model is saved with a version
/// header (written version, oldest reader that can read it, oldest version we can read back), and its payload as a
/// length-prefixed blob that is read in bounded chunks, so a forged length cannot trigger a huge allocation.
/// </summary>
internal static class ModelPersistence
{
    private const int ChunkSize = 1 << 20;

    /// <summary>
    /// Version of both transformers' payloads (TPNETCLS and TPNETAEC): written, oldest reader that can read it, and
    /// oldest version we read back. Bump per transformer when its payload changes.
    /// </summary>
    private const uint PayloadVersion = 0x00010001;

    /// <summary>
    /// Saves <paramref name="write"/>'s output as the model <paramref name="modelSignature"/>, loaded back through
    /// <paramref name="loaderSignature"/> of <paramref name="loaderType"/>'s assembly (recorded by its simple name).
    /// </summary>
    public static void Save(ModelSaveContext ctx, string modelSignature, string loaderSignature, Type loaderType, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(write);
        MLNetVersion.EnsureCompatible();
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
            write(writer);
        SaveCore(ctx, modelSignature, loaderSignature, loaderType, payload);
    }

    /// <summary>
    /// Checks the version header of model <paramref name="modelSignature"/> and returns a reader over the payload;
    /// <paramref name="what"/> names it in errors, which are <see cref="InvalidDataException"/>.
    /// </summary>
    public static BinaryReader Load(IHostEnvironment env, ModelLoadContext ctx, string modelSignature, string loaderSignature, Type loaderType, string what)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        MLNetVersion.EnsureCompatible();
        return new BinaryReader(LoadCore(ctx, modelSignature, loaderSignature, loaderType, what));
    }

    // The ML.NET internals live in the NoInlining methods below, so Save and Load are compiled (and the version check
    // runs) even when a future ML.NET no longer has them: the user then gets MLNetVersion's message, not a MissingMethodException.

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SaveCore(ModelSaveContext ctx, string modelSignature, string loaderSignature, Type loaderType, MemoryStream payload)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(Version(modelSignature, loaderSignature, loaderType));
        ctx.Writer.Write(payload.Length);
        ctx.Writer.Write(payload.GetBuffer(), 0, (int)payload.Length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static MemoryStream LoadCore(ModelLoadContext ctx, string modelSignature, string loaderSignature, Type loaderType, string what)
    {
        try
        {
            ctx.CheckAtModel(Version(modelSignature, loaderSignature, loaderType));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The {what} in this model zip cannot be read by this version of Microsoft.ML.TargetProp ({e.Message}).", e);
        }
        long length = ctx.Reader.ReadInt64();
        if (length < 0 || length > int.MaxValue)
            throw new InvalidDataException($"The {what} in this model zip declares an invalid size {length}.");
        var payload = new MemoryStream();
        var buffer = new byte[ChunkSize];
        long remaining = length;
        while (remaining > 0)
        {
            int read = ctx.Reader.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read <= 0)
                throw new InvalidDataException($"The {what} in this model zip is truncated: {remaining} of {length} bytes are missing.");
            payload.Write(buffer, 0, read);
            remaining -= read;
        }
        payload.Position = 0;
        return payload;
    }

    /// <summary>ML.NET's version record for a model kind; the assembly is recorded by its simple name.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static VersionInfo Version(string modelSignature, string loaderSignature, Type loaderType) =>
        new(modelSignature, PayloadVersion, PayloadVersion, PayloadVersion, loaderType.Assembly.GetName().Name, loaderSignature, null);

    /// <summary>Writes <paramref name="network"/> into a transformer's payload as a length-prefixed blob.</summary>
    public static void WriteNetwork(BinaryWriter writer, TargetPropModelParameters network)
    {
        using var bytes = new MemoryStream();
        network.Save(bytes);
        writer.Write(bytes.Length);
        writer.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
    }

    /// <summary>Reads a network written by <see cref="WriteNetwork"/>, checking its length against the bytes that remain; <paramref name="source"/> names it in errors.</summary>
    public static TargetPropModelParameters ReadNetwork(BinaryReader reader, string source)
    {
        long length = reader.ReadInt64();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (length < 0 || length > remaining)
            throw new InvalidDataException($"the network declares {length} bytes but {remaining} remain");
        return TargetPropModelParameters.Load(reader.ReadBytes((int)length), source);
    }
}

using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>
/// Every estimator's options are range-checked once, by the engine's <see cref="TrainingOptions"/>, and the error names
/// the field the user wrote (Options.Beta1, not the engine's HyperParameters.Forward.Beta1), before any row is read.
/// </summary>
[TestClass]
public sealed class OptionValidationTests
{
    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(1)).ToArray());

    private static ArgumentOutOfRangeException Fails<T>(Func<MLContext, IEstimator<T>> estimator) where T : class, ITransformer
    {
        var ml = new MLContext(1);
        return Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator(ml).Fit(Data(ml)));
    }

    [TestMethod]
    public void ClassifierOptionsAreReportedUnderTheirOwnNames()
    {
        void Check(string expected, string paramName, Func<MLContext, IEstimator<TargetPropTransformer>> estimator)
        {
            var e = Fails(estimator);
            StringAssert.Contains(e.Message, expected);
            Assert.AreEqual(paramName, e.ParamName, e.Message);
        }

        Check("Options.NumberOfEpochs must be ≥ 1", "NumberOfEpochs", ml => ml.MulticlassClassification.Trainers.Backprop(new BackpropTrainer.Options { NumberOfEpochs = 0 }));
        Check("Options.BatchSize must be ≥ 1", "BatchSize", ml => ml.MulticlassClassification.Trainers.FeedbackAlignment(new FeedbackAlignmentTrainer.Options { BatchSize = 0 }));
        Check("Options.Beta1 must be in [0, 1)", "Beta1", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { Beta1 = 1.5 }));
        Check("Options.LearningRate must be a finite number > 0", "LearningRate", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { LearningRate = double.NaN }));
        Check("Options.InverseEpsilon must be > 0", "InverseEpsilon", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { InverseEpsilon = 0 }));
        Check("Options.Sigma (σ) must be a finite number ≥ 0", "Sigma", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { Sigma = -1 }));
        Check("Options.Alpha (α) must be a finite number > 0", "Alpha", ml => ml.MulticlassClassification.Trainers.DifferenceTargetProp(new DifferenceTargetPropTrainer.Options { Alpha = 0 }));
        Check("Options.AuxiliaryUnits must be ≥ 0", "AuxiliaryUnits", ml => ml.MulticlassClassification.Trainers.AugmentedOutputTargetProp(new AugmentedOutputTargetPropTrainer.Options { AuxiliaryUnits = -1 }));
        Check("Options.BpMix must be in [0, 1]", "BpMix", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { BpMix = 2 }));
        Check("Options.CheckpointInterval must be ≥ 1", "CheckpointInterval", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { CheckpointInterval = 0 }));
        Check("Options.Augmentation.CropPadding must be ≥ 0", "CropPadding", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { Augmentation = new ImageAugmentation { CropPadding = -2 } }));
        Check("Options.LocalLoss: unknown value 42", "LocalLoss", ml => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { LocalLoss = (TargetProp.TorchSharp.Algorithms.LocalLossScale)42 }));
    }

    [TestMethod]
    public void AutoencoderOptionsAreReportedUnderTheirOwnNames()
    {
        void Check(string expected, AutoencoderEstimator.Options options) =>
            StringAssert.Contains(Fails(ml => ml.Transforms.FeaturizeByAutoencoder(options)).Message, expected);

        Check("Options.NumberOfEpochs must be ≥ 1", new AutoencoderEstimator.Options { NumberOfEpochs = 0 });
        Check("Options.NumberOfThreads must be ≥ 1 when set", new AutoencoderEstimator.Options { NumberOfThreads = 0 });
        Check("Options.HyperParameters.Sigma must be a finite number ≥ 0", new AutoencoderEstimator.Options { HyperParameters = AutoencoderEstimator.DefaultHyperParameters with { Sigma = -0.1 } });
        Check("Options.HyperParameters.Inverse.Beta2 must be in [0, 1)", new AutoencoderEstimator.Options { HyperParameters = AutoencoderEstimator.DefaultHyperParameters with { Inverse = new AdamSettings(1e-3, Beta2: 1) } });
        Check("Options.Algorithm: unknown algorithm 99", new AutoencoderEstimator.Options { Algorithm = (AlgorithmKind)99 });
    }

    [TestMethod]
    public void TheEngineKeepsItsOwnNamesAndBothEstimatorsShareOneOptionsBase()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { Epochs = 0 }.Validate()).Message, "Epochs must be ≥ 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { HyperParameters = new HyperParameters { Sigma = -1 } }.Validate()).Message, "HyperParameters.Sigma");
        Assert.IsInstanceOfType<NetworkEstimatorOptions>(new SimplifiedTargetPropTrainer.Options());
        Assert.IsInstanceOfType<NetworkEstimatorOptions>(new AutoencoderEstimator.Options());
    }
}

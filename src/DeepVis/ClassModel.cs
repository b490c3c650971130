using DeepVis.Images;
using DeepVis.Optim;

namespace DeepVis;

/// <summary>Class model visualization (Simonyan et al.) with the defaults of <c>deepvis class</c>, run by <see cref="ClassVisualization"/>.</summary>
public static class ClassModel
{
    /// <summary>
    /// The picture that maximizes the score of the class <paramref name="className"/> names (an index,
    /// the name, or the one name that contains it; see <see cref="ClassLookup"/>).
    /// </summary>
    /// <param name="model">A classifier.</param>
    /// <param name="className">The class: index or name.</param>
    /// <param name="settings">Octaves, step, penalties, denoisers; null: <c>deepvis class</c>'s defaults.</param>
    /// <param name="seed">Seed of the start noise and the jitter.</param>
    public static PlanarImage Run(Model model, string className, ClassSettings? settings = null, int seed = 0)
    {
        var info = model.Info;
        var index = ClassLookup.Resolve(className, info.Classes, info.ClassCount);
        var images = ClassVisualization.Run(model.Network, [index], settings ?? new ClassSettings(), new Random(seed));
        return ImageSaver.ToPixels(images.Images, 0, images.Shape[1], images.Shape[2], images.Shape[3], info);
    }
}

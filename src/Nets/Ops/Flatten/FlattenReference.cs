namespace DeepVis.Tests.Reference;

/// <summary>torch.flatten(x, 1), for tests only: the shape it gives; the elements keep their order.</summary>
public static class FlattenReference
{
    public static int[] OutputShape(int[] input) => [input[0], input[1..].Aggregate(1, (a, b) => a * b)];
}

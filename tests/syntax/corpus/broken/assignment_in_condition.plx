pattern Broken {
  input { n: number }
  if input.n = 3 { output "three" } else { output "other" }
}

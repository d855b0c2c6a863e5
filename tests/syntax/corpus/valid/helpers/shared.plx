pattern SharedHelper {
  input {
    task: string
  }
  output upper(input.task)
}

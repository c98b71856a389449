export default function Home() {
  return (
    <main>
      <h1>React Router wizards</h1>
      <p id="client">client v1</p>
    </main>
  )
}
